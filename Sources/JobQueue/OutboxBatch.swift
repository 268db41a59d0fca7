import DocketCore
import Foundation
import PostgresClient
import RedisClient

/// Jobs to publish, grouped by kind, from rows of `id, kind, run_at,
/// attempt[, state]`. A row without a job (kind NULL) or whose state is no
/// longer `queued`/`retrying`/`running` is taken but not published.
struct OutboxBatch: Sendable {
    /// Every row's id: the outbox rows this batch consumes.
    let taken: [UUID]
    let byKind: [JobKind: [PublishedJob]]

    init(rows: PostgresRows) throws {
        var taken: [UUID] = []
        var byKind: [JobKind: [PublishedJob]] = [:]
        taken.reserveCapacity(rows.count)
        for row in rows {
            let id = try row.decode(0, as: UUID.self)
            taken.append(id)
            guard let kind = try row.decode(1, as: String?.self) else { continue }
            if row.count > 4, let state = JobState(rawValue: try row.decode(4, as: String.self)), !state.isLive { continue }
            let job = PublishedJob(id: id, runAt: try row.decode(2, as: Date.self), attemptsSoFar: try row.decode(3, as: Int.self))
            byKind[JobKind(kind), default: []].append(job)
        }
        self.taken = taken
        self.byKind = byKind
    }

    /// Jobs just committed in this process (`RelayBell`): all live, none
    /// tried yet.
    init(committed jobs: [EnqueuedJob]) {
        taken = jobs.map(\.id)
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
