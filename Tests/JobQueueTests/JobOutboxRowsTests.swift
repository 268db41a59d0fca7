import DocketCore
import DocketSchema
import DocketTesting
import Foundation
@testable import JobQueue
import Logging
import PostgresClient
import RedisClient
import Testing

/// `job_outbox` lists up to 100 jobs per row (migration 0009): every writer
/// of the outbox fills rows in id order, and the relay publishes them in
/// that order.
@Suite struct JobOutboxRowsTests {
    let kind = JobKind("test.\(UUID().uuidString.prefix(8))")

    func outboxRows(_ postgres: PostgresPool) async throws -> [[UUID]] {
        try await postgres.query("SELECT job_ids FROM job_outbox ORDER BY id").map { row in
            try row.decode(0, as: String.self).dropFirst().dropLast().split(separator: ",").map { UUID(uuidString: String($0))! }
        }
    }

    /// A batch by COPY (250 plain jobs and a keyed one by INSERT) and a
    /// small one by INSERT: rows of 100, 100, 50 (COPY), 1 (the keyed job)
    /// and 3, each in id order, together every job written once; each
    /// job written knows its row (the relay deletes by it).
    @Test func eachEnqueueFillsRowsOfAHundredInOrder() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let kind = self.kind
        let large = (0..<251).map { NewJob(kind: kind, dedupeKey: $0 == 7 ? "keyed" : nil) }
        let enqueued = try await postgres.transaction { try JobLedger.enqueue(large, in: $0) }
            + postgres.transaction { try JobLedger.enqueue((0..<3).map { _ in NewJob(kind: kind) }, in: $0) }
        let first = enqueued[0..<251].map(\.id), second = enqueued[251...].map(\.id)
        let listing = try await postgres.query("SELECT id, unnest(job_ids) FROM job_outbox")
        let listed = try Dictionary(uniqueKeysWithValues: listing.map { (try $0.decode(1, as: UUID.self), try $0.decode(0, as: Int.self)) })
        #expect(enqueued.allSatisfy { listed[$0.id] == $0.outboxRow })
        let rows = try await outboxRows(postgres)
        #expect(rows.map(\.count) == [100, 100, 50, 1, 3])
        let keyed = first[7]
        #expect(Array(rows[0..<3].joined()) == first.filter { $0 != keyed })
        #expect(rows[3] == [keyed])
        #expect(rows[4] == second)
        await postgres.shutdown()
        try await database.drop()
    }

    /// Requeueing 150 dead jobs by filter lists them 100 to a row, and the
    /// relay publishes them in id order.
    @Test func aBulkRequeueFillsRowsAndIsPublishedInOrder() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        let kind = self.kind
        let ids = try await postgres.transaction { try JobLedger.enqueue((0..<150).map { _ in NewJob(kind: kind) }, in: $0) }.map(\.id)
        try await postgres.query("DELETE FROM job_outbox")
        try await postgres.query("UPDATE jobs SET state = 'dead', finished_at = now()")
        let requeued = try await postgres.transaction {
            try JobAdmin.requeueMatching(JobFilter(kind: kind), actor: "test", reason: nil, dryRun: false, in: $0)
        }
        #expect(requeued == 150)
        #expect(try await outboxRows(postgres) == [Array(ids[0..<100]), Array(ids[100...])])
        var configuration = OutboxRelay.Configuration()
        configuration.batchRows = 1
        let relay = OutboxRelay(postgres: postgres, redis: redis, configuration: configuration, logger: Logger(label: "test"))
        #expect(try await relay.drain() == 150)
        let ready = try await redis.send("LRANGE", "docket:{\(kind.rawValue)}:ready", 0, -1).array?.compactMap(\.string)
        #expect(ready == ids.map { $0.uuidString.lowercased() })
        #expect(try await outboxRows(postgres).isEmpty)
        await postgres.shutdown()
        try await database.drop()
    }

    /// A database with one outbox row per job (before migration 0009)
    /// keeps every unpublished job, listed 100 to a row in id order.
    @Test func theMigrationKeepsEveryUnpublishedJob() async throws {
        let database = try await TestDatabase.create()
        let connection = PostgresConnection(configuration: database.configuration)
        let migrations = try DocketSchema.migrations()
        try await PostgresMigrator.migrate(migrations.filter { $0.version < 9 }, on: connection)
        let ids = (0..<230).map { _ in UUIDv7.make() }
        try await connection.query(
            "INSERT INTO jobs (id, kind, max_attempts) SELECT unnest($1::uuid[]), 'noop', 3", ids
        )
        try await connection.query("INSERT INTO job_outbox (job_id) SELECT unnest($1::uuid[])", ids.reversed())
        #expect(try await PostgresMigrator.migrate(migrations, on: connection).first == 9)
        let postgres = PostgresPool(configuration: database.configuration)
        #expect(try await outboxRows(postgres) == [Array(ids[0..<100]), Array(ids[100..<200]), Array(ids[200...])])
        await postgres.shutdown()
        await connection.close()
        try await database.drop()
    }
}
