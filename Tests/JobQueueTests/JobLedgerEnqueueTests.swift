import DocketCore
import DocketTesting
import Foundation
import JobQueue
import PostgresClient
import Synchronization
import Testing

@Suite struct JobLedgerEnqueueTests {
    struct Abort: Error {}

    /// One job goes by INSERT, 500 by COPY: a rollback undoes either.
    @Test(arguments: [1, 500]) func aRolledBackTransactionEnqueuesNothing(count: Int) async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        await #expect(throws: Abort.self) {
            try await pool.transaction { tx in
                try JobLedger.enqueue((0..<count).map { _ in NewJob(kind: JobKind("noop")) }, in: tx)
                throw Abort()
            }
        }
        #expect(try await pool.query("SELECT count(*) FROM jobs").scalar(Int.self) == 0)
        #expect(try await pool.query("SELECT count(*) FROM job_outbox").scalar(Int.self) == 0)
        await pool.shutdown()
        try await database.drop()
    }

    @Test func aCommittedBatchIsOneQueuedRowPerJob() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let document = UUID()
        let jobs = (0..<1000).map { index in
            NewJob(kind: index.isMultiple(of: 2) ? .pdfInfo : .thumbnailCover, payload: "{\"n\": \(index)}",
                   maxAttempts: 3, documentID: index == 0 ? document : nil)
        }
        let ids = try await pool.transaction { tx in try JobLedger.enqueue(jobs, in: tx) }.map(\.id)
        #expect(ids.count == 1000)
        #expect(ids.map(\.uuidString).map { $0.lowercased() } == ids.map { $0.uuidString.lowercased() }.sorted())
        let rows = try await pool.query(
            "SELECT id, kind, payload->>'n', state, attempt, max_attempts, EXISTS (SELECT 1 FROM job_outbox WHERE jobs.id = ANY(job_ids)), document_id FROM jobs ORDER BY id"
        )
        #expect(rows.count == 1000)
        #expect(try rows[0].decode(0, as: UUID.self) == ids[0])
        #expect(try rows[0].decode(1, as: String.self) == "pdf.info")
        #expect(try rows[1].decode(1, as: String.self) == "thumbnail.cover")
        #expect(try rows[999].decode(2, as: String.self) == "999")
        #expect(try rows.allSatisfy { try $0.decode(3, as: String.self) == "queued" && $0.decode(4, as: Int.self) == 0 })
        #expect(try rows[0].decode(5, as: Int.self) == 3)
        #expect(try rows[0].decode(6, as: Bool.self))
        #expect(try rows[0].decode(7, as: UUID?.self) == document)
        #expect(try rows[1].decode(7, as: UUID?.self) == nil)
        await pool.shutdown()
        try await database.drop()
    }

    /// By COPY, a column that every job of the batch leaves at its default
    /// is not sent: the stored rows are the same either way. One batch all
    /// defaults, one where a single job sets each column.
    @Test func aCopiedBatchStoresEachColumnAsGivenOrItsDefault() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let before = Date().addingTimeInterval(-1)
        let plain = try await pool.transaction { tx in
            try JobLedger.enqueue((0..<100).map { _ in NewJob(kind: .pdfInfo) }, in: tx)
        }
        let later = Date(timeIntervalSince1970: 2_000_000_000.25)
        let document = UUID()
        var jobs = (0..<100).map { _ in NewJob(kind: .thumbnailCover, maxAttempts: 2) }
        jobs[7] = NewJob(kind: .thumbnailCover, payload: #"{"x": 1}"#, maxAttempts: 9, runAt: later, priority: 3, documentID: document)
        let batch = jobs
        let mixed = try await pool.transaction { tx in try JobLedger.enqueue(batch, in: tx) }
        let after = Date().addingTimeInterval(1)
        func row(_ id: UUID) async throws -> PostgresRow {
            try await pool.query("SELECT payload::text, run_at, priority, document_id, max_attempts FROM jobs WHERE id = $1", id)[0]
        }
        for id in [plain[0].id, plain[99].id, mixed[0].id, mixed[99].id] {
            let stored = try await row(id)
            #expect(try stored.decode(0, as: String.self) == "{}")
            let runAt = try stored.decode(1, as: Date.self)
            #expect(runAt > before && runAt < after)
            #expect(try stored.decode(2, as: Int.self) == 0)
            #expect(try stored.decode(3, as: UUID?.self) == nil)
        }
        #expect(try await row(plain[5].id).decode(4, as: Int.self) == 5)
        #expect(try await row(mixed[0].id).decode(4, as: Int.self) == 2)
        let set = try await row(mixed[7].id)
        #expect(try set.decode(0, as: String.self) == #"{"x": 1}"#)
        #expect(try set.decode(1, as: Date.self) == later)
        #expect(try set.decode(2, as: Int.self) == 3)
        #expect(try set.decode(3, as: UUID?.self) == document)
        #expect(try set.decode(4, as: Int.self) == 9)
        await pool.shutdown()
        try await database.drop()
    }

    @Test func aLiveJobWithTheSameDedupeKeyIsNotEnqueuedTwice() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        let job = NewJob(kind: .pdfInfo, dedupeKey: "doc-1")
        let first = try await pool.transaction { tx in try JobLedger.enqueue([job, job], in: tx) }.map(\.id)
        let second = try await pool.transaction { tx in try JobLedger.enqueue([job, NewJob(kind: .thumbnailCover, dedupeKey: "doc-1")], in: tx) }
        #expect(first.count == 1)
        #expect(second.count == 1)
        #expect(try await pool.query("SELECT count(*) FROM jobs").scalar(Int.self) == 2)
        // Once the first is finished, the key is free again.
        try await pool.query("UPDATE jobs SET state = 'succeeded' WHERE id = $1", first[0])
        #expect(try await pool.transaction { tx in try JobLedger.enqueue([job], in: tx) }.count == 1)
        await pool.shutdown()
        try await database.drop()
    }

    /// In a large batch, jobs with a dedupe key go by INSERT … ON CONFLICT
    /// and the rest by COPY: a twin of a live job is still skipped, and the
    /// result keeps the batch's order.
    @Test func aLargeBatchMixingKeyedAndPlainJobsSkipsOnlyTheTwin() async throws {
        let database = try await TestDatabase.createMigrated()
        let pool = PostgresPool(configuration: database.configuration)
        try await pool.transaction { try JobLedger.enqueue([NewJob(kind: .pdfInfo, dedupeKey: "twin")], in: $0) }
        let jobs = (0..<200).map { index in
            NewJob(
                kind: .pdfInfo, payload: "{\"n\": \(index)}",
                dedupeKey: index == 50 ? "twin" : index == 100 ? "fresh" : nil
            )
        }
        let written = try await pool.transaction { tx in try JobLedger.enqueue(jobs, in: tx) }
        #expect(written.count == 199)
        let numbers = try await pool.query(
            "SELECT (payload->>'n')::int FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY id", written.map(\.id)
        ).map { try $0.decode(0, as: Int.self) }
        #expect(numbers == (0..<200).filter { $0 != 50 })
        #expect(written.map(\.id) == written.map(\.id).sorted { $0.uuidString < $1.uuidString })
        #expect(try await pool.query("SELECT count(*) FROM jobs").scalar(Int.self) == 200)
        #expect(try await pool.query("SELECT sum(cardinality(job_ids))::int FROM job_outbox").scalar(Int.self) == 200)
        await pool.shutdown()
        try await database.drop()
    }

    /// The NOTIFY is sent by the enqueuing transaction, so a listener hears
    /// it only once the jobs are committed and visible; one job goes by
    /// INSERT, 100 by COPY.
    @Test(arguments: [1, 100]) func theRelayIsWokenAtCommitNotBefore(count: Int) async throws {
        let database = try await TestDatabase.createMigrated()
        let events = PostgresListener.events(configuration: database.configuration, channels: [JobLedger.notifyChannel])
        let clock = ContinuousClock()
        let listening = Mutex(false)
        let heard = Task { () -> ContinuousClock.Instant? in
            for await event in events {
                switch event {
                case .listening: listening.withLock { $0 = true }
                case .disconnected: break
                case .notification: return clock.now
                }
            }
            return nil
        }
        while !listening.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        let connection = try await PostgresConnection.connect(configuration: database.configuration)
        let committing = try await connection.transaction { tx -> ContinuousClock.Instant in
            try JobLedger.enqueue((0..<count).map { _ in NewJob(kind: .pdfInfo) }, in: tx)
            Thread.sleep(forTimeInterval: 0.3)
            return clock.now
        }
        let heardAt = try #require(await heard.value)
        #expect(heardAt >= committing)
        let visible = try await connection.query("SELECT count(*) FROM jobs").scalar(Int.self)
        #expect(visible == count)
        await connection.close()
        try await database.drop()
    }
}
