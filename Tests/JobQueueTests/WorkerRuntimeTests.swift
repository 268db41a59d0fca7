import DocketCore
import DocketTesting
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle
import Synchronization
import Testing

/// Counts handler runs across tasks.
final class RunCounter: Sendable {
    let runs = Atomic<Int>(0)
    var value: Int { runs.load(ordering: .relaxed) }
    @discardableResult func increment() -> Int { runs.add(1, ordering: .relaxed).newValue }
}

/// A migrated database, pools, a kind of its own, and a relay to publish.
struct RuntimeFixture {
    let database: TestDatabase
    let postgres: PostgresPool
    let redis: RedisPool
    let kind = JobKind("test.\(UUID().uuidString.prefix(8))")

    static func make() async throws -> RuntimeFixture {
        let database = try await TestDatabase.createMigrated()
        return RuntimeFixture(
            database: database, postgres: PostgresPool(configuration: database.configuration),
            redis: RedisPool(configuration: try TestEnvironment.redisConfiguration())
        )
    }

    @discardableResult
    func enqueue(_ count: Int, maxAttempts: Int = 5) async throws -> [UUID] {
        let kind = self.kind
        let ids = try await postgres.transaction { tx in
            try JobLedger.enqueue((0..<count).map { _ in NewJob(kind: kind, maxAttempts: maxAttempts) }, in: tx).map(\.id)
        }
        try await OutboxRelay(postgres: postgres, redis: redis, logger: Logger(label: "test")).drain()
        return ids
    }

    func states() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await postgres.query("SELECT state, count(*) FROM jobs GROUP BY state") {
            counts[try row.decode(0, as: String.self)] = try row.decode(1, as: Int.self)
        }
        return counts
    }

    func runtime(_ handler: JobHandler, grace: Duration = .seconds(5), lease: Duration = .seconds(15)) -> WorkerRuntime {
        var configuration = WorkerRuntime.Configuration()
        configuration.idleWait = .milliseconds(200)
        configuration.shutdownGrace = grace
        configuration.lease = lease
        return WorkerRuntime(handlers: [handler], postgres: postgres, redis: redis, configuration: configuration,
                             logger: Logger(label: "test"))
    }

    /// Runs `runtime` until `done` holds (or 20 s), then shuts it down gracefully.
    func run(_ runtime: WorkerRuntime, until done: @escaping @Sendable () async throws -> Bool) async throws {
        let group = ServiceGroup(services: [runtime], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while try await !done() && clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    func tearDown() async throws {
        await postgres.shutdown()
        try await database.drop()
    }
}

@Suite struct WorkerRuntimeTests {
    @Test func everyJobRunsOnceAndTheLedgerSaysSo() async throws {
        let fixture = try await RuntimeFixture.make()
        try await fixture.postgres.query("CREATE TABLE effects (job uuid PRIMARY KEY)")
        let counter = RunCounter()
        let handler = JobHandler(kind: fixture.kind) { job in
            counter.increment()
            return .commit { tx in try tx.query("INSERT INTO effects VALUES ($1)", job.id) }
        }
        try await fixture.enqueue(300)
        try await fixture.run(fixture.runtime(handler)) { try await fixture.states()["succeeded"] == 300 }
        #expect(try await fixture.states() == ["succeeded": 300])
        #expect(counter.value == 300)
        #expect(try await fixture.postgres.query("SELECT count(*) FROM effects").scalar(Int.self) == 300)
        let known = try await fixture.redis.send("SCARD", "docket:{\(fixture.kind.rawValue)}:known").int
        #expect(known == 0)
        try await fixture.tearDown()
    }

    @Test func retryableFailuresBackOffThenSucceed() async throws {
        let fixture = try await RuntimeFixture.make()
        let counter = RunCounter()
        var handler = JobHandler(kind: fixture.kind) { _ in
            if counter.increment() <= 2 { throw JobFailure(.storageIO, "flaky disk") }
            return .done
        }
        handler.backoff = Backoff(base: .milliseconds(20), cap: .milliseconds(200))
        let id = try await fixture.enqueue(1)[0]
        try await fixture.run(fixture.runtime(handler)) { try await fixture.states()["succeeded"] == 1 }
        let row = try await fixture.postgres.query("SELECT state, attempt FROM jobs WHERE id = $1", id)[0]
        #expect(try row.decode(0, as: String.self) == "succeeded")
        #expect(try row.decode(1, as: Int.self) == 3)
        let attempts = try await fixture.postgres.query("SELECT outcome, error_code FROM job_attempts WHERE job_id = $1 ORDER BY number", id)
        #expect(try attempts.map { try $0.decode(0, as: String.self) } == ["retried", "retried", "succeeded"])
        #expect(try attempts.map { try $0.decode(1, as: String?.self) } == ["storage_io", "storage_io", nil])
        try await fixture.tearDown()
    }

    @Test func aPermanentErrorIsDeadAfterOneAttempt() async throws {
        let fixture = try await RuntimeFixture.make()
        let counter = RunCounter()
        let handler = JobHandler(kind: fixture.kind) { _ in
            counter.increment()
            throw JobFailure(.pdfInvalid, "not a PDF")
        }
        try await fixture.enqueue(1)
        try await fixture.run(fixture.runtime(handler)) { try await fixture.states()["dead"] == 1 }
        #expect(counter.value == 1)
        #expect(try await fixture.postgres.query("SELECT count(*) FROM job_attempts WHERE outcome = 'dead'").scalar(Int.self) == 1)
        try await fixture.tearDown()
    }

    @Test func spentAttemptsEndDeadWithEveryAttemptKept() async throws {
        let fixture = try await RuntimeFixture.make()
        var handler = JobHandler(kind: fixture.kind) { _ in throw JobFailure(.storageIO, "always") }
        handler.backoff = Backoff(base: .milliseconds(5), cap: .milliseconds(20))
        try await fixture.enqueue(1, maxAttempts: 3)
        try await fixture.run(fixture.runtime(handler)) { try await fixture.states()["dead"] == 1 }
        let outcomes = try await fixture.postgres.query("SELECT outcome FROM job_attempts ORDER BY number").map { try $0.decode(0, as: String.self) }
        #expect(outcomes == ["retried", "retried", "dead"])
        try await fixture.tearDown()
    }

    @Test func aRedeliveredFinishedJobIsAckedWithoutRunning() async throws {
        let fixture = try await RuntimeFixture.make()
        let counter = RunCounter()
        let handler = JobHandler(kind: fixture.kind) { _ in
            counter.increment()
            return .done
        }
        let id = try await fixture.enqueue(1)[0]
        try await fixture.postgres.query("UPDATE jobs SET state = 'succeeded', attempt = 1 WHERE id = $1", id)
        let key = "docket:{\(fixture.kind.rawValue)}:known"
        try await fixture.run(fixture.runtime(handler)) { try await fixture.redis.send("SCARD", key).int == 0 }
        #expect(counter.value == 0)
        try await fixture.tearDown()
    }

    @Test func shutdownLetsShortJobsFinishAndHandsLongOnesBack() async throws {
        let fixture = try await RuntimeFixture.make()
        let started = RunCounter()
        let handler = JobHandler(kind: fixture.kind) { job in
            started.increment()
            let long = try JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: Any]
            try await Task.sleep(for: long?["long"] != nil ? .seconds(30) : .milliseconds(300))
            return .done
        }
        let kind = fixture.kind
        try await fixture.postgres.transaction { tx in
            try JobLedger.enqueue([NewJob(kind: kind, payload: "{\"long\": true}"), NewJob(kind: kind)], in: tx)
        }
        try await OutboxRelay(postgres: fixture.postgres, redis: fixture.redis, logger: Logger(label: "test")).drain()
        try await fixture.run(fixture.runtime(handler, grace: .seconds(3))) { started.value == 2 }
        #expect(try await fixture.states() == ["succeeded": 1, "queued": 1])
        let ready = try await fixture.redis.send("LLEN", "docket:{\(kind.rawValue)}:ready").int
        #expect(ready == 1)
        // Handed back unspent: the ledger gave the attempt back, and the
        // next claim runs under a fresh attempt number.
        let spent = try await fixture.postgres.query("SELECT attempt - attempt_floor FROM jobs WHERE state = 'queued'").scalar(Int.self)
        #expect(spent == 0)
        let next = try await fixture.redis.withSession { try RedisDispatch(kind: kind).claim(owner: "next", max: 1, lease: .seconds(5), in: $0) }
        #expect(next.map(\.attempt) == [2])
        try await fixture.tearDown()
    }
}
