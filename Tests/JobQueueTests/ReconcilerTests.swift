import DocketCore
import DocketTesting
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import Synchronization
import Testing

/// Losing Redis costs latency, never a job. Each test flushes a private
/// redis-server, never the shared one.
@Suite struct ReconcilerTests {
    @Test func aFlushedRedisIsRebuiltFromTheLedgerAndEveryJobCompletes() async throws {
        let server = try PrivateRedisServer()
        try await server.start()
        let base = try await RuntimeFixture.make()
        let fixture = RuntimeFixture(database: base.database, postgres: base.postgres,
                                     redis: RedisPool(configuration: server.configuration))
        let ids = try await fixture.enqueue(1000)
        try await fixture.redis.send("FLUSHALL")
        let reconciler = Reconciler(postgres: fixture.postgres, redis: fixture.redis, logger: Logger(label: "test"))
        #expect(try await reconciler.reconcile() == Reconciler.Report(republished: 1000, unparked: 0))
        #expect(try await reconciler.reconcile() == Reconciler.Report())
        let counter = RunCounter()
        let handler = JobHandler(kind: fixture.kind) { _ in
            counter.increment()
            return .done
        }
        try await fixture.run(fixture.runtime(handler)) { try await fixture.states()["succeeded"] == ids.count }
        #expect(try await fixture.states() == ["succeeded": 1000])
        #expect(counter.value == 1000)
        try await fixture.tearDown()
    }

    /// A worker that dies between its blocking wait and its claim leaves the
    /// id parked under its name; once its registry entry is gone, the
    /// reconciler returns the id to ready.
    @Test func idsParkedByADeadWorkerGoBackToReady() async throws {
        // A private redis-server: a reconciler of another test on the shared
        // one scans every parked list and could unpark this id first.
        let server = try PrivateRedisServer()
        try await server.start()
        let base = try await RuntimeFixture.make()
        let fixture = RuntimeFixture(database: base.database, postgres: base.postgres,
                                     redis: RedisPool(configuration: server.configuration))
        let dispatch = RedisDispatch(kind: fixture.kind)
        let id = try await fixture.enqueue(1)[0]
        let blocking = try await RedisConnection.connect(
            configuration: fixture.redis.configuration.forBlockingCommands(upTo: .seconds(1))
        )
        let owner = "dead-worker-\(UUID().uuidString.prefix(6))"
        #expect(try await blocking.withSession { try dispatch.waitForReady(owner: owner, timeout: .seconds(1), in: $0) })
        let reconciler = Reconciler(postgres: fixture.postgres, redis: fixture.redis, logger: Logger(label: "test"))
        let ghost = "ghost-\(UUID().uuidString.prefix(6))"
        try await fixture.redis.send("SADD", "docket:workers", ghost)
        let report = try await reconciler.reconcile()
        #expect(report.unparked >= 1)
        #expect(try await fixture.redis.send("SISMEMBER", "docket:workers", ghost).int == 0)
        let claimed = try await fixture.redis.withSession { try dispatch.claim(owner: "alive", max: 1, lease: .seconds(5), in: $0) }
        #expect(claimed.map(\.id) == [id])
        try await fixture.tearDown()
        await server.stop()
    }

    @Test func aRunningWorkerIsRegisteredAndLeavesOnShutdown() async throws {
        let fixture = try await RuntimeFixture.make()
        let holder = Mutex<String?>(nil)
        // The job runs until the test has seen it in the registry (at most
        // 30 s), not for a fixed time a loaded CI machine could outlast.
        let handler = JobHandler(kind: fixture.kind) { _ in
            let clock = ContinuousClock()
            let start = clock.now
            while holder.withLock({ $0 }) == nil && clock.now - start < .seconds(30) {
                try await Task.sleep(for: .milliseconds(20))
            }
            return .done
        }
        let job = try await fixture.enqueue(1)[0].uuidString.lowercased()
        let redis = fixture.redis
        // A 1.5 s lease: the registry is refreshed every 0.5 s, so it shows the job while it runs.
        try await fixture.run(fixture.runtime(handler, lease: .milliseconds(1500))) {
            for id in try await redis.send("SMEMBERS", "docket:workers").array?.compactMap(\.string) ?? [] {
                let running = try await redis.send("HGET", "docket:workers:\(id)", "running").string ?? ""
                if running.contains(job) { holder.withLock { $0 = id } }
            }
            return holder.withLock { $0 } != nil
        }
        let worker = try #require(holder.withLock { $0 })
        #expect(try await redis.send("EXISTS", "docket:workers:\(worker)").int == 0)
        #expect(try await redis.send("SISMEMBER", "docket:workers", worker).int == 0)
        try await fixture.tearDown()
    }
}
