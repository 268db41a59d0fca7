import DocketCore
import Foundation
import PostgresClient
import RedisClient

/// Unpublished ledger rows grouped by kind, ready for Redis.
struct OutboxBatch: Sendable {
    let ids: [UUID]
    let byKind: [JobKind: [PublishedJob]]

    /// Rows of `id, kind, run_at, attempt`.
    init(rows: PostgresRows) throws {
        var ids: [UUID] = []
        var byKind: [JobKind: [PublishedJob]] = [:]
        ids.reserveCapacity(rows.count)
        for row in rows {
            let id = try row.decode(0, as: UUID.self)
            let job = PublishedJob(id: id, runAt: try row.decode(2, as: Date.self), attemptsSoFar: try row.decode(3, as: Int.self))
            ids.append(id)
            byKind[JobKind(try row.decode(1, as: String.self)), default: []].append(job)
        }
        self.ids = ids
        self.byKind = byKind
    }

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
