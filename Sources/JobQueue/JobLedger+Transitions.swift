import DocketCore
import Foundation
import PostgresClient

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

/// The worker's side of the ledger. Every transition is fenced by the
/// attempt number Redis handed out with the lease: `start` accepts only a
/// higher attempt than the row has seen, and the transitions that end an
/// attempt only the row's current one while it is `running`. A worker whose
/// lease was taken over can therefore never move the row again.
extension JobLedger {
    /// Marks claimed jobs `running` under their attempts, in one statement,
    /// and returns the rows to run. A job absent from the result must not
    /// run: it is finished (a redelivery), gone (retention), or a later
    /// attempt started it. A job still `running` under an earlier attempt
    /// lost that attempt with its worker: it is kept as `lease_expired`.
    public static func start(
        _ claimed: [ClaimedJob], worker: String, in session: borrowing PostgresSession
    ) throws -> [UUID: LedgerJob] {
        guard !claimed.isEmpty else { return [:] }
        let rows = try session.query(
            """
            WITH c AS (SELECT * FROM unnest($1::uuid[], $2::int8[]) AS c(id, attempt)),
            lost AS (
                INSERT INTO job_attempts (job_id, number, worker_id, started_at, finished_at, outcome, error_code, message)
                SELECT j.id, j.attempt, COALESCE(j.lease_owner, ''), COALESCE(j.started_at, now()), now(),
                       'lease_expired', 'internal', 'the lease expired: its worker stopped or lost contact'
                FROM jobs j JOIN c ON c.id = j.id
                WHERE j.state = 'running' AND j.attempt < c.attempt
                ON CONFLICT (job_id, number) DO NOTHING
            )
            UPDATE jobs j SET state = 'running', attempt = c.attempt, lease_owner = $3, started_at = now()
            FROM c
            WHERE j.id = c.id AND j.state IN ('queued', 'running', 'retrying') AND j.attempt < c.attempt
            RETURNING j.id, j.kind, j.payload::text, j.max_attempts, j.attempt_floor, j.document_id
            """,
            claimed.map(\.id), claimed.map(\.attempt), worker
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

    /// `→ succeeded` for each job's current attempt, with its `job_attempts`
    /// row, in one statement inside the caller's transaction (the one that
    /// holds the handlers' effects). Returns the ids recorded; a job left out
    /// was fenced, and the caller must roll its effects back.
    public static func recordSuccesses(
        _ jobs: [ClaimedJob], worker: String, in session: borrowing PostgresSession
    ) throws -> Set<UUID> {
        guard !jobs.isEmpty else { return [] }
        let rows = try session.query(
            """
            WITH done AS (
                UPDATE jobs j SET state = 'succeeded', finished_at = now(),
                       lease_owner = NULL, lease_deadline = NULL, progress = NULL
                FROM unnest($1::uuid[], $2::int8[]) AS c(id, attempt)
                WHERE j.id = c.id AND j.state = 'running' AND j.attempt = c.attempt
                RETURNING j.id, j.attempt, j.started_at
            )
            INSERT INTO job_attempts (job_id, number, worker_id, started_at, finished_at, outcome)
            SELECT id, attempt, $3, COALESCE(started_at, now()), now(), 'succeeded' FROM done
            ON CONFLICT (job_id, number) DO NOTHING
            RETURNING job_id
            """,
            jobs.map(\.id), jobs.map(\.attempt), worker
        )
        return Set(try rows.map { try $0.decode(0, as: UUID.self) })
    }

    /// `recordSuccesses` for one job.
    public static func recordSuccess(
        of job: ClaimedJob, worker: String, in session: borrowing PostgresSession
    ) throws -> Bool {
        try !recordSuccesses([job], worker: worker, in: session).isEmpty
    }

    /// Records a failed attempt: the row → `retrying` (with its next run
    /// time) or `dead`, and its `job_attempts` row; false when fenced.
    public static func recordFailure(
        of job: ClaimedJob, worker: String, failure: JobFailure,
        outcome: FailureOutcome, nextRunAt: Date?, in session: borrowing PostgresSession
    ) throws -> Bool {
        let rows = try session.query(
            """
            WITH failed AS (
                UPDATE jobs SET state = $3, last_error_code = $4, last_error_message = $5,
                       run_at = COALESCE($6, run_at), finished_at = CASE WHEN $3 = 'dead' THEN now() END,
                       lease_owner = NULL, lease_deadline = NULL
                WHERE id = $1 AND state = 'running' AND attempt = $2
                RETURNING id, attempt, started_at
            )
            INSERT INTO job_attempts (job_id, number, worker_id, started_at, finished_at, outcome, error_code, message)
            SELECT id, attempt, $7, COALESCE(started_at, now()), now(), $8, $4, $5 FROM failed
            ON CONFLICT (job_id, number) DO NOTHING
            RETURNING job_id
            """,
            job.id, job.attempt, outcome == .dead ? "dead" : "retrying", failure.code, failure.message, nextRunAt,
            worker, outcome.rawValue
        )
        return !rows.isEmpty
    }

    /// Gives back attempts a shutdown interrupted: the rows return to
    /// `queued` and their attempt does not count against `max_attempts`.
    /// Returns how many were given back.
    @discardableResult
    public static func release(_ jobs: [ClaimedJob], in session: borrowing PostgresSession) throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        return try session.query(
            """
            UPDATE jobs j SET state = 'queued', attempt_floor = j.attempt_floor + 1, lease_owner = NULL, started_at = NULL
            FROM unnest($1::uuid[], $2::int8[]) AS c(id, attempt)
            WHERE j.id = c.id AND j.state = 'running' AND j.attempt = c.attempt
            """,
            jobs.map(\.id), jobs.map(\.attempt)
        ).affectedRows
    }
}
