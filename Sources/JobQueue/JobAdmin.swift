import DocketCore
import Foundation
import PostgresClient

/// What admins do to jobs (CONTRACT.md §2 admin routes). Every change
/// writes a `job_events` row with the actor and reason, in the same
/// transaction as the change.
public enum JobAdmin {
    /// The answer to a requeue or discard of one job.
    public enum ActionResult: Sendable, Equatable {
        case done
        case notFound
        /// The job's state does not allow the action (the API answers 409).
        case conflict(JobState)
    }

    /// Jobs matching `filter`, oldest first by id (newest first when
    /// `newestFirst`, as the dashboard shows them), keyset-paged after
    /// `after`. Returns the page and the next cursor. Only the filters given
    /// are in the SQL, so a state filter reaches its partial index.
    public static func list(
        _ filter: JobFilter, after: UUID?, limit: Int, newestFirst: Bool = false, in session: borrowing PostgresSession
    ) throws -> (items: [JobSummary], nextAfter: UUID?) {
        var conditions: [String] = []
        var binds: [any PostgresEncodable] = []
        func add(_ condition: String, _ value: any PostgresEncodable) {
            binds.append(value)
            conditions.append(condition.replacingOccurrences(of: "?", with: "$\(binds.count)"))
        }
        if let state = filter.state { add("state = ?", state.rawValue) }
        if let kind = filter.kind { add("kind = ?", kind.rawValue) }
        if let code = filter.errorCode { add("last_error_code = ?", code) }
        if let after { add(newestFirst ? "id < ?" : "id > ?", after) }
        binds.append(limit + 1)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try session.query(
            "SELECT \(JobSummary.columns) FROM jobs \(whereClause) ORDER BY id\(newestFirst ? " DESC" : "") LIMIT $\(binds.count)",
            binds: binds
        )
        let items = try rows.prefix(limit).map(JobSummary.init(row:))
        return (items, rows.count > limit ? items.last?.id : nil)
    }

    /// A job with every attempt and admin event, or nil.
    public static func detail(of id: UUID, in session: borrowing PostgresSession) throws -> JobDetail? {
        guard let row = try session.query(
            "SELECT \(JobSummary.columns) FROM jobs WHERE id = $1", id
        ).first else { return nil }
        let attempts = try session.query(
            """
            SELECT number, worker_id, started_at, finished_at, outcome, error_code, message
            FROM job_attempts WHERE job_id = $1 ORDER BY number
            """,
            id
        ).map { row in
            JobAttemptRecord(
                number: try row.decode(0), worker: try row.decode(1), startedAt: try row.decode(2),
                finishedAt: try row.decode(3), outcome: try row.decode(4), errorCode: try row.decode(5),
                message: try row.decode(6)
            )
        }
        let events = try session.query(
            "SELECT action, actor, reason, at FROM job_events WHERE job_id = $1 ORDER BY id", id
        ).map { row in
            JobEventRecord(action: try row.decode(0), actor: try row.decode(1), reason: try row.decode(2), at: try row.decode(3))
        }
        return JobDetail(
            summary: try JobSummary(row: row),
            attempts: attempts, events: events
        )
    }

    /// A dead job back to `queued` with a fresh set of attempts; the relay
    /// publishes it again.
    public static func requeue(
        _ id: UUID, actor: String, reason: String?, in session: borrowing PostgresSession
    ) throws -> ActionResult {
        try act(on: id, action: "requeue", allowed: [.dead], actor: actor, reason: reason, in: session) { session in
            try session.query("\(requeueUpdate) WHERE id = $1", id)
            try session.query("INSERT INTO job_outbox (job_ids) VALUES (ARRAY[$1::uuid])", id)
            try session.query("SELECT pg_notify($1, '')", JobLedger.notifyChannel)
        }
    }

    /// Requeues every dead job matching `filter` (its `state` is ignored:
    /// only dead jobs are requeued). With `dryRun` nothing changes and the
    /// count is what would be requeued.
    public static func requeueMatching(
        _ filter: JobFilter, actor: String, reason: String?, dryRun: Bool, in session: borrowing PostgresSession
    ) throws -> Int {
        let match = "state = 'dead' AND ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR last_error_code = $2)"
        if dryRun {
            return try session.query(
                "SELECT count(*) FROM jobs WHERE \(match)", filter.kind?.rawValue, filter.errorCode
            ).scalar(Int.self) ?? 0
        }
        let requeued = try session.query(
            """
            WITH picked AS (SELECT id FROM jobs WHERE \(match) FOR UPDATE),
                 moved AS (\(requeueUpdate) FROM picked WHERE jobs.id = picked.id RETURNING jobs.id),
                 outbox AS (\(JobLedger.outboxInsert(from: "moved")))
            INSERT INTO job_events (job_id, actor, action, reason)
            SELECT id, $3, 'requeue', $4 FROM moved
            """,
            filter.kind?.rawValue, filter.errorCode, actor, reason
        ).affectedRows
        if requeued > 0 { try session.query("SELECT pg_notify($1, '')", JobLedger.notifyChannel) }
        return requeued
    }

    /// A `dead` or `queued` job → `discarded`. A queued job already in Redis
    /// is acked without running when claimed (its row is no longer live).
    public static func discard(
        _ id: UUID, actor: String, reason: String?, in session: borrowing PostgresSession
    ) throws -> ActionResult {
        try act(on: id, action: "discard", allowed: [.dead, .queued], actor: actor, reason: reason, in: session) { session in
            try session.query("UPDATE jobs SET state = 'discarded', finished_at = now() WHERE id = $1", id)
        }
    }

    /// The SET of a requeue: a fresh run, due now. `attempt` keeps counting
    /// (it fences leases and numbers attempts); the floor moves. The caller
    /// adds the job to `job_outbox`.
    private static let requeueUpdate = """
        UPDATE jobs SET state = 'queued', attempt_floor = attempt, run_at = now(),
               finished_at = NULL, last_error_code = NULL, last_error_message = NULL, progress = NULL
        """

    private static func act(
        on id: UUID, action: String, allowed: Set<JobState>, actor: String, reason: String?,
        in session: borrowing PostgresSession, change: (borrowing PostgresSession) throws -> Void
    ) throws -> ActionResult {
        guard let text = try session.query("SELECT state FROM jobs WHERE id = $1 FOR UPDATE", id).scalar(String.self) else {
            return .notFound
        }
        let state = JobState(rawValue: text) ?? .queued
        guard allowed.contains(state) else { return .conflict(state) }
        try change(session)
        try session.query(
            "INSERT INTO job_events (job_id, actor, action, reason) VALUES ($1, $2, $3, $4)", id, actor, action, reason
        )
        return .done
    }
}
