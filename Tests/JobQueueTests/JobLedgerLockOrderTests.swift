import DocketCore
import DocketTesting
import Foundation
import JobQueue
import PostgresClient
import Testing

/// Batch statements over the same jobs, from two connections at once and
/// with the jobs in different orders (as a group commit and a heartbeat
/// meet them), must never deadlock: each locks its rows in id order.
@Suite struct JobLedgerLockOrderTests {
    @Test func concurrentBatchesInDifferentOrdersNeverDeadlock() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let ids = try await pool.transaction { tx in
            try JobLedger.enqueue((0..<1000).map { _ in NewJob(kind: .pdfInfo, maxAttempts: 3) }, in: tx).map(\.id)
        }
        let claimed = ids.map { ClaimedJob(id: $0, attempt: 1, owner: "w") }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var changed = 0
                    for round in 0..<15 {
                        // Reversed, shuffled: never the order the other task uses.
                        let order = round.isMultiple(of: 2) ? claimed.reversed() : claimed.shuffled()
                        changed += try await pool.withSession { try JobLedger.release(order, in: $0) }
                    }
                    return changed
                }
            }
            // Every statement changed every row: none was cut short by a deadlock.
            for try await changed in group { #expect(changed == 15 * 1000) }
        }
        let floors = try await pool.query("SELECT min(attempt_floor), max(attempt_floor) FROM jobs")[0]
        #expect(try floors.decode(0, as: Int.self) == 30)
        #expect(try floors.decode(1, as: Int.self) == 30)
        await pool.shutdown()
        try await database.drop()
    }
}
