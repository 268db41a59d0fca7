import DocketCore
import Foundation
import PostgresClient

/// A job as the worker loads it before running: what to run, and whether
/// it should run at all (a redelivered job may be finished already).
public struct LedgerJob: Sendable {
    public let id: UUID
    public let kind: JobKind
    public let state: JobState
    public let payload: String
    public let maxAttempts: Int
    /// The attempt count when an admin last requeued the job.
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

extension JobLedger {
    /// Loads claimed jobs in one query; ids with no row (retention pruned
    /// them) are absent from the result.
    public static func load(_ ids: [UUID], in session: borrowing PostgresSession) throws -> [UUID: LedgerJob] {
        guard !ids.isEmpty else { return [:] }
        let rows = try session.query(
            "SELECT id, kind, state, payload::text, max_attempts, attempt_floor, document_id FROM jobs WHERE id = ANY($1::uuid[])", ids
        )
        var jobs: [UUID: LedgerJob] = [:]
        for row in rows {
            let id = try row.decode(0, as: UUID.self)
            guard let state = JobState(rawValue: try row.decode(2, as: String.self)) else {
                throw PostgresError(.decoding, "unknown job state")
            }
            jobs[id] = LedgerJob(
                id: id, kind: JobKind(try row.decode(1, as: String.self)), state: state,
                payload: try row.decode(3, as: String.self), maxAttempts: try row.decode(4, as: Int.self),
                attemptFloor: try row.decode(5, as: Int.self), documentID: try row.decode(6, as: UUID?.self)
            )
        }
        return jobs
    }

    /// `→ succeeded` for attempt `attempt`, in the caller's transaction (the
    /// one holding the handler's effects). Fenced: false when the row is no
    /// longer live or a later attempt was recorded, and then the caller must
    /// roll its effects back.
    public static func recordSuccess(
        of id: UUID, attempt: Int, in session: borrowing PostgresSession
    ) throws -> Bool {
        let updated = try session.query(
            """
            UPDATE jobs SET state = 'succeeded', attempt = $2, finished_at = now(),
                   lease_owner = NULL, lease_deadline = NULL, progress = NULL
            WHERE id = $1 AND state IN ('queued', 'running', 'retrying') AND attempt < $2
            """,
            id, attempt
        )
        return updated.affectedRows == 1
    }

    /// Records a failed attempt: the row → `retrying` (with its next run
    /// time) or `dead`, and one `job_attempts` row, fenced like
    /// `recordSuccess`.
    public static func recordFailure(
        of id: UUID, attempt: Int, worker: String, startedAt: Date, failure: JobFailure,
        outcome: FailureOutcome, nextRunAt: Date?, in session: borrowing PostgresSession
    ) throws -> Bool {
        let updated = try session.query(
            """
            UPDATE jobs SET state = $3, attempt = $2, last_error_code = $4, last_error_message = $5,
                   run_at = COALESCE($6, run_at), finished_at = CASE WHEN $3 = 'dead' THEN now() END,
                   lease_owner = NULL, lease_deadline = NULL
            WHERE id = $1 AND state IN ('queued', 'running', 'retrying') AND attempt < $2
            """,
            id, attempt, outcome == .dead ? "dead" : "retrying", failure.code, failure.message, nextRunAt
        )
        guard updated.affectedRows == 1 else { return false }
        try session.query(
            """
            INSERT INTO job_attempts (job_id, number, worker_id, started_at, finished_at, outcome, error_code, message)
            VALUES ($1, $2, $3, $4, now(), $5, $6, $7)
            ON CONFLICT (job_id, number) DO NOTHING
            """,
            id, attempt, worker, startedAt, outcome.rawValue, failure.code, failure.message
        )
        return true
    }
}
