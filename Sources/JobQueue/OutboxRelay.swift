import DocketCore
import Foundation
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle

/// Moves committed jobs listed in `job_outbox` to Redis (DESIGN.md "The
/// relay publishes"). Woken by the enqueuing transaction's NOTIFY, polling
/// as a fallback; drains in bounded batches until nothing is left.
///
/// Each batch is one Postgres transaction that locks its outbox rows with
/// `FOR UPDATE SKIP LOCKED`, publishes their jobs (one Redis hop), and
/// deletes them: relays in several API replicas share the work without
/// waiting on each other. Redis down → the transaction rolls back, the rows
/// stay and the next pass retries; nothing is lost.
public struct OutboxRelay: Service {
    public struct Configuration: Sendable {
        /// Outbox rows per batch: each lists up to 100 jobs (one enqueue's),
        /// so a batch publishes between this many jobs and 100 times as many
        /// (10,000, what a `RelayBell` holds at most).
        public var batchRows = 100
        /// The fallback poll when no NOTIFY arrives.
        public var pollInterval: Duration = .seconds(1)
        /// The pause after a failed pass (Redis or Postgres down).
        public var failureBackoff: Duration = .milliseconds(500)
        public init() {}
    }

    private let postgres: PostgresPool
    private let redis: RedisPool
    private let configuration: Configuration
    private let logger: Logger
    private let tally: JobTally?
    /// Ring it after enqueuing in this process to publish at once.
    public let bell: RelayBell

    /// `tally` counts the jobs published for the first time (enqueued and
    /// committed, or requeued) as `docket_jobs_enqueued_total`.
    public init(
        postgres: PostgresPool, redis: RedisPool, configuration: Configuration = .init(), tally: JobTally? = nil,
        bell: RelayBell = RelayBell(), logger: Logger
    ) {
        self.tally = tally
        self.bell = bell
        self.postgres = postgres
        self.redis = redis
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let wake = bell.signal
        let events = PostgresListener.events(
            configuration: postgres.configuration, channels: [JobLedger.notifyChannel], logger: logger
        )
        // Any event, a NOTIFY or a (re)connect that may have missed some, means "look now".
        let listening = Task { for await _ in events { wake.signal() } }
        defer { listening.cancel() }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await publishRung()
                    try await drain()
                    await wake.wait(timeout: configuration.pollInterval)
                } catch {
                    logger.warning("relay pass failed; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: configuration.failureBackoff)  // cancelled: the loop ends
                }
            }
        }
    }

    /// Publishes the jobs rung in by this process's commits (one Redis
    /// hop), then deletes their outbox rows, off the path to the worker. A
    /// failure leaves the rows for `drain`, which publishes them again.
    private func publishRung() async throws {
        let jobs = bell.take()
        guard !jobs.isEmpty else { return }
        let batch = OutboxBatch(committed: jobs)
        let added = try await redis.withSession { try batch.publish(in: $0) }
        for (kind, count) in added { tally?.enqueued(kind, count: count) }
        // Committed without waiting for the disk, as `publishBatch` does.
        try await postgres.withSession { session in
            _ = try session.query(
                """
                WITH gone AS (DELETE FROM job_outbox WHERE id = ANY($1::int8[]))
                SELECT set_config('synchronous_commit', 'off', true)
                """,
                batch.rows
            )
        }
    }

    /// Publishes batches until no outbox row is left; returns how many
    /// jobs this relay took from the outbox.
    @discardableResult
    public func drain() async throws -> Int {
        var total = 0
        while true {
            let (rows, jobs) = try await publishBatch()
            total += jobs
            if rows < configuration.batchRows { return total }
        }
    }

    /// One batch: lock and read outbox rows with their jobs (one Postgres
    /// hop), publish the live ones (one Redis hop), delete the rows and
    /// commit (one Postgres hop), all on one connection so the row locks
    /// hold throughout. Rows of jobs no longer live (discarded before they
    /// were published) are deleted unpublished. Each taken row's job is one
    /// primary-key probe (a LATERAL subquery the planner cannot flatten):
    /// left to the tables' stale statistics, it walked the whole of `jobs`
    /// per batch, or compared every taken id with every id (0.5 s per 500).
    private func publishBatch() async throws -> (rows: Int, jobs: Int) {
        let redis = self.redis
        let limit = configuration.batchRows
        return try await postgres.withConnection { connection in
            // BEGIN and the locking read in one round trip (the simple
            // protocol returns the last statement's rows): one hop fewer
            // between a commit and its jobs reaching Redis. The commit need
            // not wait for the disk: lost in a crash, it only means these
            // jobs are published again, which is harmless.
            let rows = try await connection.withSession { session in
                try session.executeScript(
                    """
                    BEGIN;
                    SET LOCAL synchronous_commit TO off;
                    WITH taken AS MATERIALIZED (
                        SELECT id, job_ids FROM job_outbox ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                    )
                    SELECT t.id, listed.job_id, j.kind, j.run_at, j.attempt, j.state
                    FROM taken t CROSS JOIN LATERAL unnest(t.job_ids) WITH ORDINALITY AS listed(job_id, n)
                    LEFT JOIN LATERAL (SELECT kind, run_at, attempt, state FROM jobs WHERE id = listed.job_id OFFSET 0) j ON true
                    ORDER BY t.id, listed.n
                    """
                )
            }
            // A throw from here on leaves the transaction to the pool, which
            // rolls it back: the rows stay in the outbox for the next batch.
            let batch = try OutboxBatch(outboxRows: rows)
            var added: [JobKind: Int] = [:]
            if !batch.isEmpty {
                added = try await redis.withSession { try batch.publish(in: $0) }
            }
            try await connection.withSession { session in
                if !rows.isEmpty {
                    try session.query("DELETE FROM job_outbox WHERE id = ANY($1::int8[])", batch.rows)
                }
                try session.executeScript("COMMIT")
            }
            for (kind, count) in added { tally?.enqueued(kind, count: count) }
            return (batch.rows.count, batch.jobCount)
        }
    }
}
