import DocketCore
import DocketTesting
import Foundation
import JobQueue
import PostgresClient
import Testing

@Suite struct JobLedgerTransitionTests {
    func enqueue(_ pool: PostgresPool, _ count: Int = 1) async throws -> [UUID] {
        try await pool.transaction { tx in
            try JobLedger.enqueue((0..<count).map { _ in NewJob(kind: .pdfInfo, payload: "{\"a\": 1}", maxAttempts: 3) }, in: tx).map(\.id)
        }
    }

    func running(_ id: UUID, _ attempt: Int, _ worker: String = "w") -> RunningJob {
        RunningJob(ClaimedJob(id: id, attempt: attempt, owner: worker))
    }

    /// Whether the ledger lets this claim run.
    func mayRun(_ pool: PostgresPool, _ id: UUID, attempt: Int) async throws -> Bool {
        let job = ClaimedJob(id: id, attempt: attempt, owner: "w")
        return try await pool.withSession { try JobLedger.load([job], in: $0) }[id] != nil
    }

    func markRunning(_ pool: PostgresPool, _ id: UUID, attempt: Int, worker: String) async throws -> Int {
        let job = running(id, attempt, worker)
        return try await pool.withSession { try JobLedger.markRunning([job], worker: worker, in: $0) }
    }

    func succeed(_ pool: PostgresPool, _ id: UUID, attempt: Int, worker: String = "w") async throws -> Bool {
        let job = running(id, attempt, worker)
        return try await pool.transaction { try JobLedger.recordSuccess(of: job, worker: worker, in: $0) }
    }

    func outcomes(_ pool: PostgresPool, _ id: UUID) async throws -> [String] {
        try await pool.query("SELECT outcome FROM job_attempts WHERE job_id = $1 ORDER BY number", id).map { try $0.decode(0, as: String.self) }
    }

    @Test func aJobSucceedsOnceAndARedeliveryIsRefused() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let id = try await enqueue(pool)[0]
        let rows = try await pool.withSession { try JobLedger.load([ClaimedJob(id: id, attempt: 1, owner: "w1")], in: $0) }
        #expect(rows[id]?.payload == "{\"a\": 1}")
        #expect(try await succeed(pool, id, attempt: 1, worker: "w1"))
        #expect(try await !succeed(pool, id, attempt: 1, worker: "w1"))
        // A redelivery of a finished job may not run.
        #expect(try await !mayRun(pool, id, attempt: 2))
        let row = try await pool.query("SELECT state, attempt, started_at IS NOT NULL, finished_at IS NOT NULL FROM jobs WHERE id = $1", id)[0]
        #expect(try row.decode(0, as: String.self) == "succeeded")
        #expect(try row.decode(1, as: Int.self) == 1)
        #expect(try row.decode(2, as: Bool.self))
        #expect(try row.decode(3, as: Bool.self))
        let attempt = try await pool.query("SELECT worker_id, outcome FROM job_attempts WHERE job_id = $1", id)
        #expect(attempt.count == 1)
        #expect(try attempt[0].decode(0, as: String.self) == "w1")
        #expect(try attempt[0].decode(1, as: String.self) == "succeeded")
        await pool.shutdown()
        try await database.drop()
    }

    @Test func aLongJobIsShownRunningUnderItsAttemptAndWorker() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let id = try await enqueue(pool)[0]
        #expect(try await markRunning(pool, id, attempt: 1, worker: "w1") == 1)
        let row = try await pool.query("SELECT state, attempt, lease_owner FROM jobs WHERE id = $1", id)[0]
        #expect(try row.decode(0, as: String.self) == "running")
        #expect(try row.decode(1, as: Int.self) == 1)
        #expect(try row.decode(2, as: String.self) == "w1")
        // Its own delivery cannot run twice; it succeeds from `running`.
        #expect(try await !mayRun(pool, id, attempt: 1))
        #expect(try await succeed(pool, id, attempt: 1, worker: "w1"))
        await pool.shutdown()
        try await database.drop()
    }

    @Test func aLaterAttemptFencesTheEarlierAndKeepsItAsLeaseExpired() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let id = try await enqueue(pool)[0]
        #expect(try await markRunning(pool, id, attempt: 1, worker: "dead-worker") == 1)
        #expect(try await mayRun(pool, id, attempt: 2))
        #expect(try await markRunning(pool, id, attempt: 2, worker: "w2") == 1)
        #expect(try await !succeed(pool, id, attempt: 1, worker: "dead-worker"))
        #expect(try await succeed(pool, id, attempt: 2, worker: "w2"))
        #expect(try await outcomes(pool, id) == ["lease_expired", "succeeded"])
        let workers = try await pool.query("SELECT worker_id FROM job_attempts WHERE job_id = $1 ORDER BY number", id)
        #expect(try workers.map { try $0.decode(0, as: String.self) } == ["dead-worker", "w2"])
        await pool.shutdown()
        try await database.drop()
    }

    @Test func ofTwoDeliveriesTheFirstToCommitWinsAndAWrongGuessIsCorrected() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let id = try await enqueue(pool)[0]
        // Attempt 1 was shown running, then its lease expired and attempt 2
        // was claimed; attempt 1 was only slow, and commits first.
        #expect(try await markRunning(pool, id, attempt: 1, worker: "slow") == 1)
        #expect(try await mayRun(pool, id, attempt: 2))
        #expect(try await succeed(pool, id, attempt: 1, worker: "slow"))
        #expect(try await !succeed(pool, id, attempt: 2, worker: "w2"))
        #expect(try await outcomes(pool, id) == ["succeeded"])
        await pool.shutdown()
        try await database.drop()
    }

    @Test func failuresKeepEveryAttemptAndEndDead() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let id = try await enqueue(pool)[0]
        let failure = JobFailure(.storageIO, "disk full")
        let next = Date().addingTimeInterval(30)
        for attempt in 1...2 {
            #expect(try await mayRun(pool, id, attempt: attempt))
            let job = running(id, attempt, "w\(attempt)")
            let recorded = try await pool.transaction { tx in
                try JobLedger.recordFailure(of: job, worker: "w\(attempt)",
                                            failure: failure, outcome: .retried, nextRunAt: next, in: tx)
            }
            #expect(recorded)
            #expect(try await pool.query("SELECT state FROM jobs WHERE id = $1", id).scalar(String.self) == "retrying")
        }
        #expect(try await mayRun(pool, id, attempt: 3))
        let third = running(id, 3, "w3")
        let dead = try await pool.transaction { tx in
            try JobLedger.recordFailure(of: third, worker: "w3",
                                        failure: JobFailure(.pdfInvalid, "not a PDF"), outcome: .dead, nextRunAt: nil, in: tx)
        }
        #expect(dead)
        let row = try await pool.query("SELECT state, attempt, last_error_code, finished_at IS NOT NULL FROM jobs WHERE id = $1", id)[0]
        #expect(try row.decode(0, as: String.self) == "dead")
        #expect(try row.decode(1, as: Int.self) == 3)
        #expect(try row.decode(2, as: String.self) == "pdf_invalid")
        #expect(try row.decode(3, as: Bool.self))
        #expect(try await outcomes(pool, id) == ["retried", "retried", "dead"])
        let attempts = try await pool.query("SELECT worker_id, error_code FROM job_attempts WHERE job_id = $1 ORDER BY number", id)
        #expect(try attempts.map { try $0.decode(0, as: String.self) } == ["w1", "w2", "w3"])
        #expect(try attempts.map { try $0.decode(1, as: String.self) } == ["storage_io", "storage_io", "pdf_invalid"])
        // Nothing moves a dead job but an admin.
        #expect(try await !mayRun(pool, id, attempt: 4))
        #expect(try await !succeed(pool, id, attempt: 3))
        await pool.shutdown()
        try await database.drop()
    }

    @Test func aRefusedSuccessRollsBackTheHandlersEffects() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        try await pool.query("CREATE TABLE effects (job uuid)")
        let id = try await enqueue(pool)[0]
        struct Fenced: Error {}
        let job = running(id, 1)
        for _ in 0..<2 {
            do {
                try await pool.transaction { tx in
                    try tx.query("INSERT INTO effects VALUES ($1)", id)
                    guard try JobLedger.recordSuccess(of: job, worker: "w", in: tx) else {
                        throw Fenced()
                    }
                }
            } catch is Fenced {}
        }
        #expect(try await pool.query("SELECT count(*) FROM effects").scalar(Int.self) == 1)
        await pool.shutdown()
        try await database.drop()
    }

    @Test func aGroupOfSuccessesIsOneStatementAndFencesEachJob() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let ids = try await enqueue(pool, 3)
        // The third job's lease was taken over by attempt 2, shown running.
        #expect(try await markRunning(pool, ids[2], attempt: 2, worker: "other") == 1)
        let jobs = ids.map { running($0, 1) }
        let recorded = try await pool.transaction { tx in try JobLedger.recordSuccesses(jobs, worker: "w", in: tx) }
        #expect(recorded == Set(ids[0..<2]))
        #expect(try await pool.query("SELECT state FROM jobs WHERE id = $1", ids[2]).scalar(String.self) == "running")
        await pool.shutdown()
        try await database.drop()
    }

    @Test func releaseGivesAnInterruptedAttemptBack() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let id = try await enqueue(pool)[0]
        #expect(try await markRunning(pool, id, attempt: 1, worker: "stopping") == 1)
        let released = try await pool.withSession { try JobLedger.release([ClaimedJob(id: id, attempt: 1, owner: "stopping")], in: $0) }
        #expect(released == 1)
        let row = try await pool.query("SELECT state, attempt - attempt_floor FROM jobs WHERE id = $1", id)[0]
        #expect(try row.decode(0, as: String.self) == "queued")
        #expect(try row.decode(1, as: Int.self) == 0)
        // The late success of the interrupted attempt is refused; the next attempt runs.
        #expect(try await mayRun(pool, id, attempt: 2))
        #expect(try await outcomes(pool, id) == [])
        await pool.shutdown()
        try await database.drop()
    }
}
