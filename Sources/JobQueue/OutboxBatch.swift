import DocketCore
import Foundation
import PostgresClient
import RedisClient

/// Jobs to publish, grouped by kind. A job without a row in `jobs` (kind
/// NULL) or no longer `queued`/`retrying`/`running` is taken but not published.
struct OutboxBatch: Sendable {
    /// The `job_outbox` rows this batch consumes.
    let rows: [Int]
    /// The jobs those rows list, published or not.
    let jobCount: Int
    let byKind: [JobKind: [PublishedJob]]

    /// The relay's read: rows of `outbox row, job id, kind, run_at, attempt, state`.
    init(outboxRows listed: PostgresRows) throws {
        var rows: [Int] = []
        var byKind: [JobKind: [PublishedJob]] = [:]
        for row in listed {
            let outboxRow = try row.decode(0, as: Int.self)
            if rows.last != outboxRow { rows.append(outboxRow) }
            if let (kind, job) = try Self.job(in: row, from: 1) { byKind[kind, default: []].append(job) }
        }
        self.rows = rows
        self.jobCount = listed.count
        self.byKind = byKind
    }

    /// The reconciler's page of live jobs: rows of `id, kind, run_at, attempt`.
    init(liveJobs listed: PostgresRows) throws {
        var byKind: [JobKind: [PublishedJob]] = [:]
        for row in listed {
            if let (kind, job) = try Self.job(in: row, from: 0) { byKind[kind, default: []].append(job) }
        }
        self.rows = []
        self.jobCount = listed.count
        self.byKind = byKind
    }

    /// The job in the columns from `first` on (`id, kind, run_at, attempt[, state]`),
    /// or nil when it is not to be published.
    private static func job(in row: PostgresRow, from first: Int) throws -> (JobKind, PublishedJob)? {
        guard let kind = try row.decode(first + 1, as: String?.self) else { return nil }
        if row.count > first + 4, let state = JobState(rawValue: try row.decode(first + 4, as: String.self)), !state.isLive {
            return nil
        }
        let job = PublishedJob(
            id: try row.decode(first, as: UUID.self), runAt: try row.decode(first + 2, as: Date.self),
            attemptsSoFar: try row.decode(first + 3, as: Int.self)
        )
        return (JobKind(kind), job)
    }

    /// Jobs just committed in this process (`RelayBell`): all live, none
    /// tried yet.
    init(committed jobs: [EnqueuedJob]) {
        rows = Array(Set(jobs.map(\.outboxRow)))
        jobCount = jobs.count
        byKind = Dictionary(grouping: jobs, by: \.kind).mapValues { jobs in
            jobs.map { PublishedJob(id: $0.id, runAt: $0.runAt, attemptsSoFar: 0) }
        }
    }

    var isEmpty: Bool { byKind.isEmpty }

    /// Publishes every kind's jobs in one hop; returns, per kind, how many
    /// Redis did not know yet.
    @discardableResult
    func publish(in session: borrowing RedisSession) throws -> [JobKind: Int] {
        var added: [JobKind: Int] = [:]
        for (kind, jobs) in byKind {
            added[kind] = try RedisDispatch(kind: kind).publish(jobs, in: session)
        }
        return added
    }
}
