import DocketTesting
import PostgresClient
import Synchronization
import Testing

@Suite struct PostgresTransactionTests {
    struct Abort: Error {}

    @Test func aThrowRollsBackEverything() async throws {
        let database = try await TestDatabase.create()
        let pool = PostgresPool(configuration: database.configuration)
        try await pool.query("CREATE TABLE t (n int)")
        await #expect(throws: Abort.self) {
            try await pool.transaction { tx in
                try tx.query("INSERT INTO t VALUES (1)")
                try tx.query("INSERT INTO t VALUES (2)")
                throw Abort()
            }
        }
        #expect(try await pool.query("SELECT count(*) FROM t").scalar(Int.self) == 0)
        let committed = try await pool.transaction { tx in
            try tx.query("INSERT INTO t VALUES (3)")
            return try tx.query("SELECT count(*) FROM t").scalar(Int.self)
        }
        #expect(committed == 1)
        #expect(try await pool.query("SELECT count(*) FROM t").scalar(Int.self) == 1)
        await pool.shutdown()
        try await database.drop()
    }

    @Test func aServerErrorInsideRollsBackAndTheConnectionStaysUsable() async throws {
        let database = try await TestDatabase.create()
        var configuration = database.configuration
        configuration.maxConnections = 1
        let pool = PostgresPool(configuration: configuration)
        try await pool.query("CREATE TABLE t (n int PRIMARY KEY)")
        await #expect(throws: PostgresError.self) {
            try await pool.transaction { tx in
                try tx.query("INSERT INTO t VALUES (1)")
                try tx.query("INSERT INTO t VALUES (1)")
            }
        }
        #expect(try await pool.query("SELECT count(*) FROM t").scalar(Int.self) == 0)
        await pool.shutdown()
        try await database.drop()
    }

    /// Two serializable transactions that read and write the same row: one
    /// fails with 40001 and, asked to retry, runs again and succeeds.
    @Test func serializationFailuresAreRetriedWhenAskedTo() async throws {
        let database = try await TestDatabase.create()
        var configuration = database.configuration
        configuration.transactionAttempts = 50
        let pool = PostgresPool(configuration: configuration)
        try await pool.query("CREATE TABLE counter (n int)")
        try await pool.query("INSERT INTO counter VALUES (0)")
        let attempts = AttemptCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.transaction(retrying: true, isolation: .serializable) { tx in
                        attempts.value.add(1, ordering: .relaxed)
                        let n = try tx.query("SELECT n FROM counter").scalar(Int.self) ?? 0
                        try tx.query("SELECT pg_sleep(0.01)")
                        try tx.query("UPDATE counter SET n = $1", n + 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await pool.query("SELECT n FROM counter").scalar(Int.self) == 8)
        let attempted = attempts.value.load(ordering: .relaxed)
        #expect(attempted > 8)
        await pool.shutdown()
        try await database.drop()
    }
}

final class AttemptCounter: Sendable {
    let value = Atomic<Int>(0)
}
