import DocketCore
import DocketTesting
import Foundation
import JobQueue
import PostgresClient
import Testing

@Suite struct JobLedgerTransitionTests {
    func enqueueOne(_ pool: PostgresPool) async throws -> UUID {
        try await pool.transaction { try JobLedger.enqueue([NewJob(kind: .pdfInfo, payload: "{\"a\": 1}", maxAttempts: 3)], in: $0)[0] }
    }

    @Test func successIsRecordedOnceAndAStaleAttemptIsRefused() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let id = try await enqueueOne(pool)
        let loaded = try await pool.withSession { try JobLedger.load([id], in: $0) }
        #expect(loaded[id]?.state == .queued)
        #expect(loaded[id]?.payload == "{\"a\": 1}")
        #expect(try await pool.transaction { try JobLedger.recordSuccess(of: id, attempt: 2, in: $0) })
        // The attempt whose lease expired finishes late: refused, nothing changes.
        #expect(try await !pool.transaction { try JobLedger.recordSuccess(of: id, attempt: 1, in: $0) })
        // A duplicate delivery of the same attempt: refused too.
        #expect(try await !pool.transaction { try JobLedger.recordSuccess(of: id, attempt: 2, in: $0) })
        let row = try await pool.query("SELECT state, attempt, finished_at IS NOT NULL FROM jobs WHERE id = $1", id)[0]
        #expect(try row.decode(0, as: String.self) == "succeeded")
        #expect(try row.decode(1, as: Int.self) == 2)
        #expect(try row.decode(2, as: Bool.self))
        await pool.shutdown()
        try await database.drop()
    }

    @Test func failuresKeepEveryAttemptAndEndDead() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let id = try await enqueueOne(pool)
        let failure = JobFailure(.storageIO, "disk full")
        let next = Date().addingTimeInterval(30)
        for attempt in 1...2 {
            let recorded = try await pool.transaction { tx in
                try JobLedger.recordFailure(of: id, attempt: attempt, worker: "w\(attempt)", startedAt: Date(),
                                            failure: failure, outcome: .retried, nextRunAt: next, in: tx)
            }
            #expect(recorded)
        }
        let dead = try await pool.transaction { tx in
            try JobLedger.recordFailure(of: id, attempt: 3, worker: "w3", startedAt: Date(),
                                        failure: JobFailure(.pdfInvalid, "not a PDF"), outcome: .dead, nextRunAt: nil, in: tx)
        }
        #expect(dead)
        let row = try await pool.query("SELECT state, attempt, last_error_code, finished_at IS NOT NULL FROM jobs WHERE id = $1", id)[0]
        #expect(try row.decode(0, as: String.self) == "dead")
        #expect(try row.decode(1, as: Int.self) == 3)
        #expect(try row.decode(2, as: String.self) == "pdf_invalid")
        #expect(try row.decode(3, as: Bool.self))
        let attempts = try await pool.query("SELECT number, worker_id, outcome, error_code FROM job_attempts WHERE job_id = $1 ORDER BY number", id)
        #expect(try attempts.map { try $0.decode(2, as: String.self) } == ["retried", "retried", "dead"])
        #expect(try attempts.map { try $0.decode(1, as: String.self) } == ["w1", "w2", "w3"])
        // Nothing moves a dead job but an admin.
        #expect(try await !pool.transaction { try JobLedger.recordSuccess(of: id, attempt: 4, in: $0) })
        await pool.shutdown()
        try await database.drop()
    }

    @Test func aRefusedSuccessRollsBackTheHandlersEffects() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        try await pool.query("CREATE TABLE effects (job uuid)")
        let id = try await enqueueOne(pool)
        struct Fenced: Error {}
        for attempt in [2, 1] {
            do {
                try await pool.transaction { tx in
                    try tx.query("INSERT INTO effects VALUES ($1)", id)
                    guard try JobLedger.recordSuccess(of: id, attempt: attempt, in: tx) else { throw Fenced() }
                }
            } catch is Fenced {}
        }
        #expect(try await pool.query("SELECT count(*) FROM effects").scalar(Int.self) == 1)
        await pool.shutdown()
        try await database.drop()
    }
}
