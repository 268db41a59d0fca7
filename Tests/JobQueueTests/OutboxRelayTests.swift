import DocketCore
import DocketTesting
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import Testing

@Suite struct OutboxRelayTests {
    let kind = JobKind("test.\(UUID().uuidString.prefix(8))")

    func readyIDs(_ redis: RedisPool) async throws -> [String] {
        try await redis.send("LRANGE", "docket:{\(kind.rawValue)}:ready", 0, -1).array?.compactMap(\.string) ?? []
    }

    func unpublished(_ postgres: PostgresPool) async throws -> Int {
        try await postgres.query("SELECT coalesce(sum(cardinality(job_ids)), 0)::int FROM job_outbox").scalar(Int.self) ?? -1
    }

    @Test func committedJobsArePublishedOnceAndMarked() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        let kind = self.kind
        let ids = try await postgres.transaction { tx in
            try JobLedger.enqueue((0..<1200).map { _ in NewJob(kind: kind) }, in: tx)
        }
        let relay = OutboxRelay(postgres: postgres, redis: redis, logger: Logger(label: "test"))
        #expect(try await relay.drain() == 1200)
        #expect(try await relay.drain() == 0)
        #expect(try await readyIDs(redis) == ids.map { $0.id.uuidString.lowercased() })
        #expect(try await unpublished(postgres) == 0)
        await postgres.shutdown()
        try await database.drop()
    }

    @Test func aTransactionCommittingLateIsStillPublished() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        let relay = OutboxRelay(postgres: postgres, redis: redis, logger: Logger(label: "test"))
        let kind = self.kind
        // A takes the lower id but commits after B.
        let slow = try await PostgresConnection.connect(configuration: database.configuration)
        try await slow.withSession { try $0.executeScript("BEGIN") }
        let early = try await slow.withSession { try JobLedger.enqueue([NewJob(kind: kind)], in: $0) }
        let late = try await postgres.transaction { try JobLedger.enqueue([NewJob(kind: kind)], in: $0) }
        #expect(try await relay.drain() == 1)
        try await slow.withSession { try $0.executeScript("COMMIT") }
        #expect(try await relay.drain() == 1)
        #expect(Set(try await readyIDs(redis)) == Set((early + late).map { $0.id.uuidString.lowercased() }))
        await postgres.shutdown()
        try await database.drop()
    }

    @Test func redisDownLosesNothing() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let server = try PrivateRedisServer()
        try await server.start()
        var configuration = server.configuration
        configuration.reconnectWindow = .milliseconds(100)
        let redis = RedisPool(configuration: configuration)
        let relay = OutboxRelay(postgres: postgres, redis: redis, logger: Logger(label: "test"))
        await server.stop()
        let kind = self.kind
        try await postgres.transaction { try JobLedger.enqueue((0..<10).map { _ in NewJob(kind: kind) }, in: $0) }
        await #expect(throws: RedisError.self) { try await relay.drain() }
        #expect(try await unpublished(postgres) == 10)
        try await server.start()
        #expect(try await relay.drain() == 10)
        #expect(try await readyIDs(redis).count == 10)
        await postgres.shutdown()
        try await database.drop()
    }

    @Test func twoRelaysShareTheWorkWithoutDuplicates() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        let kind = self.kind
        try await postgres.transaction { try JobLedger.enqueue((0..<5000).map { _ in NewJob(kind: kind) }, in: $0) }
        var small = OutboxRelay.Configuration()
        small.batchRows = 4
        let relays = (0..<2).map { _ in OutboxRelay(postgres: postgres, redis: redis, configuration: small, logger: Logger(label: "test")) }
        async let first = relays[0].drain()
        async let second = relays[1].drain()
        let (a, b) = try await (first, second)
        #expect(a + b == 5000)
        let ready = try await readyIDs(redis)
        #expect(ready.count == 5000)
        #expect(Set(ready).count == 5000)
        await postgres.shutdown()
        try await database.drop()
    }

    /// Running as a service with a long poll interval, the relay still
    /// publishes within moments: the enqueuing transaction's NOTIFY wakes it.
    @Test func theServiceIsWokenByNotify() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        var slowPoll = OutboxRelay.Configuration()
        slowPoll.pollInterval = .seconds(60)
        let relay = OutboxRelay(postgres: postgres, redis: redis, configuration: slowPoll, logger: Logger(label: "test"))
        let service = Task { try await relay.run() }
        // Wait until the relay's LISTEN is in effect on this database, so
        // only a notification (not the first pass) can publish what follows.
        let clock = ContinuousClock()
        let listening = clock.now
        while try await postgres.query(
            "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'"
        ).scalar(Int.self) != 1 && clock.now - listening < .seconds(30) {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))  // the rescan that follows LISTEN
        let kind = self.kind
        let start = clock.now
        try await postgres.transaction { try JobLedger.enqueue([NewJob(kind: kind)], in: $0) }
        while try await readyIDs(redis).isEmpty && clock.now - start < .seconds(30) {
            try await Task.sleep(for: .milliseconds(10))
        }
        // Far inside the 60 s poll: only the NOTIFY can have woken it. The
        // bound is loose because CI runs every suite at once on two cores.
        #expect(clock.now - start < .seconds(10))
        service.cancel()
        _ = try? await service.value
        await postgres.shutdown()
        try await database.drop()
    }

    /// Jobs rung in with the bell after their commit reach Redis without the
    /// relay's outbox read: here another transaction holds their outbox
    /// rows, which that read skips. Their rows go once the lock is released:
    /// two jobs in one row (INSERT), or 250 (COPY) with a keyed one
    /// (INSERT) in four.
    @Test(arguments: [2, 250]) func jobsRungInArePublishedWithoutTheOutboxRead(count: Int) async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        let bell = RelayBell()
        var slowPoll = OutboxRelay.Configuration()
        slowPoll.pollInterval = .seconds(60)
        let relay = OutboxRelay(postgres: postgres, redis: redis, configuration: slowPoll, bell: bell, logger: Logger(label: "test"))
        let kind = self.kind
        let batch = (0..<count).map { NewJob(kind: kind, dedupeKey: $0 == 100 ? "keyed" : nil) }
        let jobs = try await postgres.transaction { try JobLedger.enqueue(batch, in: $0) }
        let holder = try await PostgresConnection.connect(configuration: database.configuration)
        try await holder.withSession { try $0.executeScript("BEGIN; SELECT id FROM job_outbox FOR UPDATE") }
        let service = Task { try await relay.run() }
        #expect(try await relay.drain() == 0)  // the read skips the held rows
        bell.ring(publishing: jobs)
        let clock = ContinuousClock()
        let start = clock.now
        while try await readyIDs(redis).count < count && clock.now - start < .seconds(30) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(Set(try await readyIDs(redis)) == Set(jobs.map { $0.id.uuidString.lowercased() }))
        #expect(try await unpublished(postgres) == count)
        try await holder.withSession { try $0.executeScript("COMMIT") }
        while try await unpublished(postgres) > 0 && clock.now - start < .seconds(30) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try await unpublished(postgres) == 0)
        #expect(try await readyIDs(redis).count == count)
        service.cancel()
        _ = try? await service.value
        await holder.close()
        await postgres.shutdown()
        try await database.drop()
    }
}
