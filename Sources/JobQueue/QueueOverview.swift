import DocketCore
import Foundation
import RedisClient

/// One kind's line of the admin queues view (CONTRACT.md §2
/// `GET /v1/admin/queues`): Redis's live counts, the ledger's dead jobs,
/// and the deployment's totals.
public struct QueueOverview: Sendable, Equatable, Encodable {
    public let kind: JobKind
    public let ready: Int
    public let scheduled: Int
    public let running: Int
    public let dead: Int
    public let processedTotal: Int
    /// Attempts that ended in an error: retried or dead.
    public let failedTotal: Int

    /// Every kind of the contract, and any other the ledger or the totals
    /// know, from `depth` (`JobLedger.depth`, read by the caller in its own
    /// hop) and one Redis hop for the totals and the live counts. With Redis
    /// unreachable the live counts come from the ledger (queued, retrying,
    /// running) instead, so the view still answers.
    public static func read(depth: [QueueDepth], redis: RedisPool) async -> [QueueOverview] {
        let known = Set([JobKind.pdfInfo, .thumbnailCover, .thumbnailPages, .fileDelete, .quotaSettle, .quotaRelease])
            .union(depth.map(\.kind))
        let fromRedis = try? await redis.withSession { session -> (JobStatsSnapshot, [JobKind], [(ready: Int, scheduled: Int, leased: Int)]) in
            let stats = try JobStats.read(in: session)
            let kinds = known.union(stats.finished.keys).sorted { $0.rawValue < $1.rawValue }
            return (stats, kinds, try kinds.map { try RedisDispatch(kind: $0).depth(in: session) })
        }
        let stats = fromRedis?.0
        let ordered = fromRedis?.1 ?? known.sorted { $0.rawValue < $1.rawValue }
        let live = fromRedis?.2
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
