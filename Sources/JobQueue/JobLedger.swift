import DocketCore
import Foundation
import PostgresClient

/// The `jobs` table, where Postgres keeps the truth about every job.
public enum JobLedger {
    /// The channel the enqueuing transaction notifies; the relay listens.
    public static let notifyChannel = "docket_jobs"

    /// Enqueues `jobs` inside the caller's transaction: one statement for
    /// the whole batch (the ledger rows, their `job_outbox` entries, and a
    /// NOTIFY that Postgres delivers only at commit, sent once: a
    /// MATERIALIZED CTE is evaluated once, where `EXISTS (SELECT
    /// pg_notify(…))` was planned away without ever calling it). A
    /// rollback leaves no job and wakes no one. Returns the jobs written,
    /// in order; a job whose `dedupeKey` matches a live job of its kind is
    /// skipped and is not in the result. After the commit, hand them to
    /// `RelayBell.ring(publishing:)` when a relay runs in this process.
    @discardableResult
    public static func enqueue(_ jobs: [NewJob], in session: borrowing PostgresSession) throws -> [EnqueuedJob] {
        guard !jobs.isEmpty else { return [] }
        let ids = jobs.map { _ in UUIDv7.make() }
        let now = Date()
        let rows = try session.query(
            """
            WITH written AS (
                INSERT INTO jobs (id, kind, payload, max_attempts, run_at, priority, dedupe_key, document_id)
                SELECT id, kind, payload::jsonb, max_attempts, run_at, priority, dedupe_key, document_id::uuid
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int8[], $5::timestamptz[], $6::int8[], $7::text[], $8::text[])
                    AS j(id, kind, payload, max_attempts, run_at, priority, dedupe_key, document_id)
                ORDER BY id
                ON CONFLICT (kind, dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running', 'retrying')
                DO NOTHING
                RETURNING id
            ), outbox AS (
                INSERT INTO job_outbox (job_id) SELECT id FROM written
            ), notified AS MATERIALIZED (
                SELECT pg_notify($9, '')
            )
            SELECT written.id FROM written, notified
            """,
            ids, jobs.map(\.kind.rawValue), jobs.map(\.payload), jobs.map(\.maxAttempts),
            jobs.map { $0.runAt ?? now }, jobs.map(\.priority), jobs.map(\.dedupeKey),
            jobs.map { $0.documentID?.uuidString }, notifyChannel
        )
        let written = Set(try rows.map { try $0.decode(0, as: UUID.self) })
        return zip(ids, jobs).compactMap { id, job in
            written.contains(id) ? EnqueuedJob(id: id, kind: job.kind, runAt: job.runAt) : nil
        }
    }
}
