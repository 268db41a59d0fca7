import DocketCore
import Foundation
import PostgresClient
import UUIDText

/// A job as the worker starts it: what to run, under which attempt budget.
public struct LedgerJob: Sendable {
    public let id: UUID
    public let kind: JobKind
    public let payload: String
    public let maxAttempts: Int
    /// The attempt count when an admin last requeued the job (or a
    /// shutdown gave an attempt back).
    public let attemptFloor: Int
    public let documentID: UUID?

    /// Whether `attempt` (as claimed) is the last this run allows.
    public func isLastAttempt(_ attempt: Int) -> Bool { attempt - attemptFloor >= maxAttempts }
}

/// How an attempt ended, for `JobLedger.recordFailure`.
public enum FailureOutcome: String, Sendable {
    /// Another attempt is scheduled.
    case retried
    /// No attempt follows: permanent error or attempts spent.
    case dead
}

/// The worker's side of the ledger, in batches joined on `unnest` of ids
/// and attempts, each row found by primary key from the unnested id: the
/// updates under `probingByKey`, `load` through a LATERAL subquery the
/// planner cannot flatten. A queue table's statistics are always stale, and
/// left to them the planner scanned the whole table or live index per batch,
/// or (given an extra `id = ANY(ids)`) compared every id with every id.
///
/// Fencing: Redis hands out a new attempt number with every lease, and the
/// row's `attempt` is the highest one the ledger has seen. A claim runs only
/// if its number is higher; an attempt ends the row only while the row is
/// live and no later attempt was recorded. So of two deliveries of a job,
/// the first to commit wins and the other's effects roll back.
///
/// `running` is written lazily: a job that finishes within a second goes
/// `queued → succeeded` in one write (`markRunning` is for longer ones), so
/// the common case costs one row update.
extension JobLedger {
    /// Loads the claimed jobs that may run. A job absent from the result
    /// must not: it is finished (a redelivery), gone (retention), or a later
    /// attempt was recorded. A row still `running` under an earlier attempt
    /// lost that attempt with its worker: it is kept as `lease_expired`.
    public static func load(
        _ claimed: [ClaimedJob], in session: borrowing PostgresSession
    ) throws -> [UUID: LedgerJob] {
        guard !claimed.isEmpty else { return [:] }
        let claimed = inLockOrder(claimed, by: \.id)
        let rows = try session.query(
            """
            WITH c AS MATERIALIZED (
                SELECT j.*, c.attempt AS claimed_attempt FROM unnest($1::uuid[], $2::int8[]) AS c(id, attempt)
                CROSS JOIN LATERAL (SELECT * FROM jobs j WHERE j.id = c.id OFFSET 0) j
            ),
            lost AS (
                INSERT INTO job_attempts (job_id, number, worker_id, started_at, finished_at, outcome, error_code, message)
                SELECT id, attempt, COALESCE(lease_owner, ''), COALESCE(started_at, now()), now(),
                       'lease_expired', 'internal', 'the lease expired: its worker stopped or lost contact'
                FROM c WHERE state = 'running' AND attempt < claimed_attempt
                ON CONFLICT (job_id, number) DO NOTHING
            )
            SELECT id, kind, payload::text, max_attempts, attempt_floor, document_id
            FROM c WHERE state NOT IN ('succeeded', 'dead', 'discarded') AND attempt < claimed_attempt
            """,
            claimed.map(\.id), claimed.map(\.attempt)
        )
        var jobs: [UUID: LedgerJob] = [:]
        for row in rows {
            let id = try row.decode(0, as: UUID.self)
            jobs[id] = LedgerJob(
                id: id, kind: JobKind(try row.decode(1, as: String.self)), payload: try row.decode(2, as: String.self),
                maxAttempts: try row.decode(3, as: Int.self), attemptFloor: try row.decode(4, as: Int.self),
                documentID: try row.decode(5, as: UUID?.self)
            )
        }
        return jobs
    }

    /// Shows jobs that run for a while as `running`, under their attempt
    /// and worker; returns how many rows changed.
    @discardableResult
    public static func markRunning(
        _ jobs: [RunningJob], worker: String, in session: borrowing PostgresSession
    ) throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        let jobs = inLockOrder(jobs, by: \.claimed.id)
        return try probingByKey(in: session) { session in try session.query(
            """
            UPDATE jobs j SET state = 'running', attempt = c.attempt, lease_owner = $4, started_at = c.started
            FROM unnest($1::uuid[], $2::int8[], $3::timestamptz[]) AS c(id, attempt, started)
            WHERE j.id = c.id
              AND j.state NOT IN ('succeeded', 'dead', 'discarded') AND j.attempt < c.attempt
            """,
            jobs.map(\.claimed.id), jobs.map(\.claimed.attempt), jobs.map(\.startedAt), worker
        ).affectedRows }
    }

    /// `→ succeeded` for each job's attempt, with its `job_attempts` row (an
    /// attempt guessed `lease_expired` that did finish is corrected), in
    /// one statement inside the caller's transaction (the one that holds
    /// the handlers' effects). Returns the ids recorded; a job left out was
    /// fenced, and the caller must roll its effects back.
    public static func recordSuccesses(
        _ jobs: [RunningJob], worker: String, in session: borrowing PostgresSession
    ) throws -> Set<UUID> {
        guard !jobs.isEmpty else { return [] }
        let jobs = inLockOrder(jobs, by: \.claimed.id)
        let rows = try probingByKey(in: session) { session in try session.query(
            """
            WITH done AS (
                UPDATE jobs j SET state = 'succeeded', attempt = c.attempt, started_at = c.started, finished_at = now(),
                       lease_owner = NULL, lease_deadline = NULL, progress = NULL
                FROM unnest($1::uuid[], $2::int8[], $3::timestamptz[]) AS c(id, attempt, started)
                WHERE j.id = c.id
                  AND j.state NOT IN ('succeeded', 'dead', 'discarded') AND j.attempt <= c.attempt
                RETURNING j.id, j.attempt, j.started_at
            )
            , kept AS (
                INSERT INTO job_attempts (job_id, number, worker_id, started_at, finished_at, outcome)
                SELECT id, attempt, $4, started_at, now(), 'succeeded' FROM done
                ON CONFLICT (job_id, number) DO UPDATE SET
                    worker_id = EXCLUDED.worker_id, finished_at = EXCLUDED.finished_at,
                    outcome = EXCLUDED.outcome, error_code = NULL, message = NULL
            )
            SELECT id FROM done
            """,
            jobs.map(\.claimed.id), jobs.map(\.claimed.attempt), jobs.map(\.startedAt), worker
        ) }
        return Set(try rows.map { try $0.decode(0, as: UUID.self) })
    }

    /// `recordSuccesses` for one job.
    public static func recordSuccess(
        of job: RunningJob, worker: String, in session: borrowing PostgresSession
    ) throws -> Bool {
        try !recordSuccesses([job], worker: worker, in: session).isEmpty
    }

    /// Records a failed attempt: the row → `retrying` (with its next run
    /// time) or `dead`, and its `job_attempts` row; false when fenced.
    public static func recordFailure(
        of job: RunningJob, worker: String, failure: JobFailure,
        outcome: FailureOutcome, nextRunAt: Date?, in session: borrowing PostgresSession
    ) throws -> Bool {
        let rows = try session.query(
            """
            WITH failed AS (
                UPDATE jobs SET state = $3, attempt = $2, started_at = $9, last_error_code = $4, last_error_message = $5,
                       run_at = COALESCE($6, run_at), finished_at = CASE WHEN $3 = 'dead' THEN now() END,
                       lease_owner = NULL, lease_deadline = NULL
                WHERE id = $1 AND state NOT IN ('succeeded', 'dead', 'discarded') AND attempt <= $2
                RETURNING id, attempt, started_at
            )
            , kept AS (
                INSERT INTO job_attempts (job_id, number, worker_id, started_at, finished_at, outcome, error_code, message)
                SELECT id, attempt, $7, started_at, now(), $8, $4, $5 FROM failed
                ON CONFLICT (job_id, number) DO UPDATE SET
                    worker_id = EXCLUDED.worker_id, finished_at = EXCLUDED.finished_at, outcome = EXCLUDED.outcome,
                    error_code = EXCLUDED.error_code, message = EXCLUDED.message
            )
            SELECT id FROM failed
            """,
            job.claimed.id, job.claimed.attempt, outcome == .dead ? "dead" : "retrying", failure.code, failure.message,
            nextRunAt, worker, outcome.rawValue, job.startedAt
        )
        return !rows.isEmpty
    }

    /// Gives back attempts a shutdown interrupted: the number is recorded as
    /// used but no longer counts against `max_attempts`, and a row shown
    /// `running` returns to `queued`. Returns how many rows changed.
    @discardableResult
    public static func release(_ jobs: [ClaimedJob], in session: borrowing PostgresSession) throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        let jobs = inLockOrder(jobs, by: \.id)
        return try probingByKey(in: session) { session in try session.query(
            """
            UPDATE jobs j SET attempt = c.attempt, attempt_floor = j.attempt_floor + 1, lease_owner = NULL,
                   state = CASE WHEN j.state = 'running' THEN 'queued' ELSE j.state END,
                   started_at = CASE WHEN j.state = 'running' THEN NULL ELSE j.started_at END
            FROM unnest($1::uuid[], $2::int8[]) AS c(id, attempt)
            WHERE j.id = c.id
              AND j.state NOT IN ('succeeded', 'dead', 'discarded') AND j.attempt <= c.attempt
            """,
            jobs.map(\.id), jobs.map(\.attempt)
        ).affectedRows }
    }

    /// Rows are locked in the order the unnested ids come, so every batch
    /// statement binds them in one order (Postgres's): two workers' batches,
    /// or a heartbeat's and a completion's, never wait on each other in a
    /// cycle (unsorted, they deadlocked under load).
    static func inLockOrder<T>(_ items: [T], by id: (T) -> UUID) -> [T] {
        items.sorted { id($0).precedesInByteOrder(id($1)) }
    }
}
