import DocketCore
import Foundation
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle

/// Makes Redis agree with the ledger again (DESIGN.md "Reconciliation"):
/// every live, published job Redis no longer knows (a flush, a failover) is
/// published again, and ids parked by workers that died between their
/// blocking wait and their claim go back to ready. Expired leases need no
/// help: the next claim of their kind returns them.
///
/// Runs every `interval` wherever the relay runs, once per interval across
/// replicas (a Redis lock that expires with the interval).
public struct Reconciler: Service {
    public struct Configuration: Sendable {
        public var interval: Duration = .seconds(60)
        public var pageSize = 1000
        public init() {}
    }

    public struct Report: Sendable, Equatable {
        public var republished = 0
        public var unparked = 0

        public init(republished: Int = 0, unparked: Int = 0) {
            self.republished = republished
            self.unparked = unparked
        }
    }

    static let lockKey = "docket:reconciler:lock"

    private let postgres: PostgresPool
    private let redis: RedisPool
    private let configuration: Configuration
    private let logger: Logger
    private let owner = UUID().uuidString

    public init(postgres: PostgresPool, redis: RedisPool, configuration: Configuration = .init(), logger: Logger) {
        self.postgres = postgres
        self.redis = redis
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if try await acquireTurn() {
                        let report = try await reconcile()
                        if report != Report() {
                            logger.warning("reconciled Redis with the ledger", metadata: [
                                "jobs.republished": "\(report.republished)", "jobs.unparked": "\(report.unparked)",
                            ])
                        }
                    }
                } catch {
                    logger.warning("reconciliation failed; next interval retries", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: configuration.interval)  // cancelled: the loop ends
            }
        }
    }

    /// One pass, regardless of other replicas.
    public func reconcile() async throws -> Report {
        var report = Report()
        report.republished = try await republishLiveJobs()
        report.unparked = try await unparkDeadWorkers()
        try await pruneWorkerIndex()
        return report
    }

    /// Drops ids of workers whose registry entry expired (killed, lost) from
    /// the index, so the list of live workers stays true.
    private func pruneWorkerIndex() async throws {
        try await redis.withSession { session in
            let ids = try session.send("SMEMBERS", WorkerRegistry.index).array?.compactMap(\.string) ?? []
            for id in ids where try !WorkerRegistry.isAlive(id, in: session) {
                try session.send("SREM", WorkerRegistry.index, id)
            }
        }
    }

    /// True for the one replica whose SET NX won this interval.
    private func acquireTurn() async throws -> Bool {
        let reply = try await redis.send(
            "SET", Reconciler.lockKey, owner, "NX", "PX", configuration.interval.wholeMilliseconds
        )
        return reply == .status("OK")
    }

    /// Pages through live rows by id and publishes each page again:
    /// publishing is idempotent, so only ids Redis lost are added (a job
    /// still in the outbox is published twice, harmlessly). A `running` row
    /// Redis lost runs again; the ledger's fencing keeps its effects single.
    private func republishLiveJobs() async throws -> Int {
        var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        var republished = 0
        while true {
            let rows = try await postgres.query(
                """
                SELECT id, kind, run_at, attempt FROM jobs
                WHERE state IN ('queued', 'running', 'retrying') AND id > $1
                ORDER BY id LIMIT $2
                """,
                after, configuration.pageSize
            )
            guard let last = rows.last else { return republished }
            let batch = try OutboxBatch(liveJobs: rows)
            republished += try await redis.withSession { try batch.publish(in: $0).values.reduce(0, +) }
            after = try last.decode(0, as: UUID.self)
            if rows.count < configuration.pageSize { return republished }
        }
    }

    /// Returns ids parked for workers whose registry entry has expired.
    private func unparkDeadWorkers() async throws -> Int {
        try await redis.withSession { session in
            var cursor = "0"
            var unparked = 0
            repeat {
                let reply = try session.send("SCAN", cursor, "MATCH", "docket:{*}:parked:*", "COUNT", 1000)
                guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
                    throw RedisError(.unexpectedReply, "SCAN returned \(reply)")
                }
                cursor = next
                for key in parts[1].array?.compactMap(\.string) ?? [] {
                    guard let marker = key.range(of: ":parked:") else { continue }
                    let owner = String(key[marker.upperBound...])
                    guard try !WorkerRegistry.isAlive(owner, in: session) else { continue }
                    let ready = key[..<marker.lowerBound] + ":ready"
                    unparked += try session.eval(DispatchScripts.unpark, keys: [key, String(ready)]).int ?? 0
                }
            } while cursor != "0"
            return unparked
        }
    }
}
