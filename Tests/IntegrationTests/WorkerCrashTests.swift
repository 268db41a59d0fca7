import DocketCore
import DocketSchema
import DocketTesting
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import Testing

/// Real worker processes (`docket-bench worker`), killed and stopped the
/// way production ones are.
/// Serialized: the workers share the `sleep` queue of the one test Redis.
@Suite(.serialized) struct WorkerCrashTests {
    struct Stack {
        let database: TestDatabase
        let postgres: PostgresPool
        let redis: RedisPool

        static func make() async throws -> Stack {
            let database = try await TestDatabase.createMigrated()
            let postgres = PostgresPool(configuration: database.configuration)
            try await postgres.query("CREATE TABLE effects (job_id uuid NOT NULL)")
            // Test kinds share one Redis: start from empty queues for them.
            let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
            return Stack(database: database, postgres: postgres, redis: redis)
        }

        func worker(lease: String = "1s", grace: String = "25s") throws -> ChildProcess {
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = database.connectionString
            environment["DOCKET_LEASE"] = lease
            environment["DOCKET_SHUTDOWN_GRACE"] = grace
            return try ChildProcess.spawn(
                [try BuiltProducts.executable("docket-bench").path, "worker", "--kinds", "sleep"], environment: environment
            )
        }

        /// Enqueues one `sleep` job whose success inserts into `effects`, and publishes it.
        func enqueueSleep(ms: Int) async throws -> UUID {
            let id = try await postgres.transaction { tx in
                try JobLedger.enqueue([NewJob(kind: JobKind("sleep"), payload: "{\"ms\": \(ms), \"effect_table\": \"effects\"}")], in: tx)[0].id
            }
            try await OutboxRelay(postgres: postgres, redis: redis, logger: Logger(label: "test")).drain()
            return id
        }

        func state(of id: UUID) async throws -> String? {
            try await postgres.query("SELECT state FROM jobs WHERE id = $1", id).scalar(String.self)
        }

        func isLeased(_ id: UUID) async throws -> Bool {
            try await redis.send("HEXISTS", "docket:{sleep}:lease", id.uuidString.lowercased()).int == 1
        }

        func tearDown() async throws {
            await postgres.shutdown()
            try await database.drop()
        }
    }

    static func waitUntil(_ seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
        try await eventually("the condition", within: seconds, condition)
    }

    /// kill -9 mid-job: the lease expires, another worker runs the job, and
    /// the ledger shows one success with the effect written once.
    @Test func aJobOfAKilledWorkerRunsAgainAfterItsLeaseAndHappensOnce() async throws {
        let stack = try await Stack.make()
        let id = try await stack.enqueueSleep(ms: 4000)
        // A 3 s lease: heartbeats keep it through a loaded machine's stalls,
        // so the only lost lease is the one the kill causes.
        let doomed = try stack.worker(lease: "3s")
        // Running for over a second: the ledger shows it running under the doomed worker.
        try await Self.waitUntil { try await stack.state(of: id) == "running" }
        doomed.send(SIGKILL)
        let doomedStatus = await doomed.exitStatus()
        #expect(doomedStatus == 128 + SIGKILL)
        let rescuer = try stack.worker(lease: "3s")
        try await Self.waitUntil(60) { try await stack.state(of: id) == "succeeded" }
        rescuer.send(SIGTERM)
        let rescuerStatus = await rescuer.exitStatus()
        #expect(rescuerStatus == 0)
        let effects = try await stack.postgres.query("SELECT count(*) FROM effects WHERE job_id = $1", id).scalar(Int.self)
        #expect(effects == 1)
        let attempt = try await stack.postgres.query("SELECT attempt FROM jobs WHERE id = $1", id).scalar(Int.self)
        #expect(attempt == 2)
        let attempts = try await stack.postgres.query("SELECT outcome FROM job_attempts WHERE job_id = $1 ORDER BY number", id)
        let outcomes = try attempts.map { try $0.decode(0, as: String.self) }
        #expect(outcomes == ["lease_expired", "succeeded"])
        try await stack.tearDown()
    }

    /// SIGTERM mid-job with time to spare: the job finishes, the worker exits 0.
    @Test func sigtermLetsARunningJobFinish() async throws {
        let stack = try await Stack.make()
        let id = try await stack.enqueueSleep(ms: 800)
        let worker = try stack.worker(lease: "15s", grace: "25s")
        try await Self.waitUntil { try await stack.isLeased(id) }
        worker.send(SIGTERM)
        #expect(await worker.exitStatus() == 0)
        #expect(try await stack.state(of: id) == "succeeded")
        try await stack.tearDown()
    }

    /// SIGTERM with a job longer than the grace: handed back, never lost.
    @Test func sigtermHandsBackAJobLongerThanTheGrace() async throws {
        let stack = try await Stack.make()
        let id = try await stack.enqueueSleep(ms: 20000)
        let worker = try stack.worker(lease: "15s", grace: "500ms")
        try await Self.waitUntil { try await stack.isLeased(id) }
        worker.send(SIGTERM)
        #expect(await worker.exitStatus() == 0)
        #expect(try await stack.state(of: id) == "queued")
        // The interrupted attempt is given back: none of max_attempts spent.
        #expect(try await stack.postgres.query("SELECT attempt - attempt_floor FROM jobs WHERE id = $1", id).scalar(Int.self) == 0)
        #expect(try await !stack.isLeased(id))
        let ready = try await stack.redis.send("LRANGE", "docket:{sleep}:ready", 0, -1).array?.compactMap(\.string) ?? []
        #expect(ready.contains(id.uuidString.lowercased()))
        try await stack.tearDown()
    }
}

/// Redis crashing under a running worker: the reconciler rebuilds what the
/// crash lost from the ledger, and every job completes exactly once.
@Suite struct RedisCrashTests {
    @Test func everyJobCompletesAcrossARedisCrash() async throws {
        let server = try PrivateRedisServer()
        try await server.start()
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        try await postgres.query("CREATE TABLE effects (job_id uuid NOT NULL)")
        let redis = RedisPool(configuration: server.configuration)
        let ids = try await postgres.transaction { tx in
            try JobLedger.enqueue((0..<300).map { _ in
                NewJob(kind: JobKind("sleep"), payload: "{\"ms\": 10, \"effect_table\": \"effects\"}")
            }, in: tx)
        }
        try await OutboxRelay(postgres: postgres, redis: redis, logger: Logger(label: "test")).drain()
        var configuration = Reconciler.Configuration()
        configuration.interval = .milliseconds(500)
        let reconciler = Task {
            try await Reconciler(postgres: postgres, redis: redis, configuration: configuration, logger: Logger(label: "test")).run()
        }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.connectionString
        environment["REDIS_URL"] = "redis://127.0.0.1:\(server.port)/0"
        environment["DOCKET_LEASE"] = "2s"
        let worker = try ChildProcess.spawn(
            [try BuiltProducts.executable("docket-bench").path, "worker", "--kinds", "sleep", "--concurrency", "4"],
            environment: environment
        )
        let succeeded = { try await postgres.query("SELECT count(*) FROM jobs WHERE state = 'succeeded'").scalar(Int.self) ?? 0 }
        try await WorkerCrashTests.waitUntil { try await succeeded() >= 30 }
        await server.stop(signal: SIGKILL)
        try await Task.sleep(for: .milliseconds(300))
        try await server.start()
        try await WorkerCrashTests.waitUntil(60) { try await succeeded() == ids.count }
        worker.send(SIGTERM)
        #expect(await worker.exitStatus() == 0)
        reconciler.cancel()
        #expect(try await postgres.query("SELECT count(*) FROM effects").scalar(Int.self) == ids.count)
        #expect(try await postgres.query("SELECT count(DISTINCT job_id) FROM effects").scalar(Int.self) == ids.count)
        await postgres.shutdown()
        try await database.drop()
    }
}

/// Postgres down for ten seconds under a running worker: completions wait
/// (leases kept by heartbeat), and every job completes once it is back.
@Suite struct PostgresOutageTests {
    @Test func everyJobCompletesAcrossAPostgresOutage() async throws {
        let server = try PrivatePostgresServer()
        try await server.start()
        let postgres = PostgresPool(configuration: PostgresConfiguration(server.connectionString))
        try await PostgresMigrator.migrate(try DocketSchema.migrations(), on: PostgresConnection(configuration: postgres.configuration))
        try await postgres.query("CREATE TABLE effects (job_id uuid NOT NULL)")
        let redisServer = try PrivateRedisServer()
        try await redisServer.start()
        let redis = RedisPool(configuration: redisServer.configuration)
        let ids = try await postgres.transaction { tx in
            try JobLedger.enqueue((0..<200).map { _ in
                NewJob(kind: JobKind("sleep"), payload: "{\"ms\": 20, \"effect_table\": \"effects\"}")
            }, in: tx)
        }
        try await OutboxRelay(postgres: postgres, redis: redis, logger: Logger(label: "test")).drain()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = server.connectionString
        environment["REDIS_URL"] = "redis://127.0.0.1:\(redisServer.port)/0"
        environment["DOCKET_LEASE"] = "5s"
        let worker = try ChildProcess.spawn(
            [try BuiltProducts.executable("docket-bench").path, "worker", "--kinds", "sleep", "--concurrency", "4"],
            environment: environment
        )
        let succeeded = { try await postgres.query("SELECT count(*) FROM jobs WHERE state = 'succeeded'").scalar(Int.self) ?? 0 }
        try await WorkerCrashTests.waitUntil { try await succeeded() >= 20 }
        try await server.stop()
        try await Task.sleep(for: .seconds(10))
        try await server.start()
        try await WorkerCrashTests.waitUntil(90) { try await succeeded() == ids.count }
        worker.send(SIGTERM)
        #expect(await worker.exitStatus() == 0)
        #expect(try await postgres.query("SELECT count(*) FROM effects").scalar(Int.self) == ids.count)
        #expect(try await postgres.query("SELECT count(DISTINCT job_id) FROM effects").scalar(Int.self) == ids.count)
        await postgres.shutdown()
        await server.destroy()
    }
}
