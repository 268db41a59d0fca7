import DocketCore
import DocketSchema
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient

/// Enqueues no-op jobs the way applications do, for the queue benchmark:
/// one transaction per job, then batches of 1,000 per transaction. A relay
/// runs beside it in the same process and is rung with each commit's jobs,
/// as in `docket-api`.
struct NoopEnqueuer {
    struct Timings {
        /// Until the last single-job transaction committed.
        let singleSeconds: Double
        /// Until the last batch committed: what the enqueuing caller waits for.
        let bulkSeconds: Double
        /// From the first bulk batch until every job was in Redis.
        let bulkPublishedSeconds: Double
    }

    static let kind = JobKind("noop")
    static let batchSize = 1000
    let postgres: PostgresPool
    let redis: RedisPool
    let logger: Logger

    /// Makes sure the schema is there (a fresh benchmark database).
    static func migrate(_ url: String, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: PostgresConfiguration(url))
        _ = try await PostgresMigrator.migrate(try DocketSchema.migrations(), on: connection, logger: logger)
        await connection.close()
    }

    /// Enqueues `single` jobs one by one, then `bulk` in batches, and
    /// returns once Redis holds all of them.
    func run(single: Int, bulk: Int) async throws -> Timings {
        let relay = OutboxRelay(postgres: postgres, redis: redis, logger: logger)
        let relaying = Task { try await relay.run() }
        let timings: Result<Timings, any Error>
        do {
            timings = .success(try await enqueue(single: single, bulk: bulk, bell: relay.bell))
        } catch {
            timings = .failure(error)
        }
        // The relay ends before the caller shuts its pools down.
        relaying.cancel()
        _ = await relaying.result
        return try timings.get()
    }

    private func enqueue(single: Int, bulk: Int, bell: RelayBell) async throws -> Timings {
        let clock = ContinuousClock()
        let known = try await self.known()
        let start = clock.now
        for _ in 0..<single {
            bell.ring(publishing: try await postgres.transaction { try JobLedger.enqueue([NewJob(kind: NoopEnqueuer.kind)], in: $0) })
        }
        let singleDone = clock.now
        var left = bulk
        while left > 0 {
            let count = min(NoopEnqueuer.batchSize, left)
            bell.ring(publishing: try await postgres.transaction { tx in
                try JobLedger.enqueue((0..<count).map { _ in NewJob(kind: NoopEnqueuer.kind) }, in: tx)
            })
            left -= count
        }
        let bulkDone = clock.now
        while try await self.known() < known + single + bulk {
            try await Task.sleep(for: .milliseconds(1))
        }
        let published = clock.now
        return Timings(
            singleSeconds: (singleDone - start).seconds, bulkSeconds: (bulkDone - singleDone).seconds,
            bulkPublishedSeconds: (published - singleDone).seconds
        )
    }

    /// Jobs Redis holds that are not finished.
    func known() async throws -> Int {
        try await redis.send("SCARD", NoopEnqueuer.knownKey).int ?? 0
    }

    static let knownKey = "docket:{noop}:known"
}
