import DocketCore
import Foundation
import PostgresClient
import RedisClient

/// One kind's line of the admin queues view (CONTRACT.md §2
/// `GET /v1/admin/queues`): Redis's live counts, the ledger's dead jobs,
/// and the deployment's totals.
public struct QueueOverview: Sendable, Equatable {
    public let kind: JobKind
    public let ready: Int
    public let scheduled: Int
    public let running: Int
    public let dead: Int
    public let processedTotal: Int
    /// Attempts that ended in an error: retried or dead.
    public let failedTotal: Int

    /// Every kind of the contract, and any other the ledger or the totals
    /// know. With Redis unreachable the live counts come from the ledger
    /// (queued, retrying, running) instead, so the view still answers.
    public static func read(postgres: PostgresPool, redis: RedisPool) async throws -> [QueueOverview] {
        let depth = try await postgres.withSession { try JobLedger.depth(in: $0) }
        let stats = try? await redis.withSession { try JobStats.read(in: $0) }
        var kinds = Set([JobKind.pdfInfo, .thumbnailCover, .thumbnailPages, .fileDelete, .quotaSettle, .quotaRelease])
        kinds.formUnion(depth.map(\.kind))
        if let stats { kinds.formUnion(stats.finished.keys) }
        let ordered = kinds.sorted { $0.rawValue < $1.rawValue }
        let live = try? await redis.withSession { session in
            try ordered.map { try RedisDispatch(kind: $0).depth(in: session) }
        }
        func ledger(_ kind: JobKind, _ state: JobState) -> Int {
            depth.first { $0.kind == kind && $0.state == state }?.count ?? 0
        }
        return ordered.enumerated().map { index, kind in
            let counts = live?[index]
            return QueueOverview(
                kind: kind,
                ready: counts?.ready ?? ledger(kind, .queued),
                scheduled: counts?.scheduled ?? ledger(kind, .retrying),
                running: counts?.leased ?? ledger(kind, .running),
                dead: ledger(kind, .dead),
                processedTotal: stats?.finished(kind, .succeeded) ?? 0,
                failedTotal: (stats?.finished(kind, .retried) ?? 0) + (stats?.finished(kind, .dead) ?? 0)
            )
        }
    }
}
