import DocketTesting
import PostgresClient
import Testing

@Suite struct PostgresPoolTests {
    @Test func anExhaustedPoolWaitsThenFailsAtItsDeadline() async throws {
        var configuration = PostgresConfiguration(try TestEnvironment.databaseURL())
        configuration.maxConnections = 1
        configuration.checkoutTimeout = .milliseconds(300)
        let pool = PostgresPool(configuration: configuration)
        // The holder keeps the one connection until this test cancels its
        // statement: a fixed sleep could end while a loaded machine is still
        // getting to the checkout below (CI: the holder's 4 s ran out first).
        let holder = Task { try await pool.query("SELECT pg_sleep(120) AS exhausted_pool_holder") }
        let admin = try await PostgresConnection.connect(configuration: configuration)
        let holding = "state = 'active' AND query = 'SELECT pg_sleep(120) AS exhausted_pool_holder'"
        try await eventually("the holder's pg_sleep running", within: 60) {
            try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE \(holding)").scalar(Int.self) == 1
        }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        let waited = clock.now - start
        #expect(error?.code == .poolExhausted)
        #expect(error?.isUnavailable == true)
        #expect(waited >= .milliseconds(280))
        // Once the holder's statement is cancelled, the pool serves again.
        try await admin.query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE \(holding)")
        await admin.close()
        await #expect(throws: PostgresError.self) { try await holder.value }
        #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
        await pool.shutdown()
    }

    /// A caller that begins a transaction by hand and throws before ending
    /// it: the next caller of the one pooled connection starts outside any
    /// transaction, and the half-done write is gone.
    @Test func aTransactionLeftOpenByAThrowIsRolledBack() async throws {
        var configuration = PostgresConfiguration(try TestEnvironment.databaseURL())
        configuration.maxConnections = 1
        let pool = PostgresPool(configuration: configuration)
        let table = "abandoned_\(UInt32.random(in: 0...UInt32.max))"
        try await pool.query("CREATE TABLE \(table) (n int)")
        struct Interrupted: Error {}
        await #expect(throws: Interrupted.self) {
            try await pool.withConnection { connection in
                try await connection.withSession { session in
                    try session.executeScript("BEGIN; INSERT INTO \(table) VALUES (1)")
                }
                throw Interrupted()
            }
        }
        #expect(try await pool.withSession { $0.isInTransaction } == false)
        #expect(try await pool.query("SELECT count(*) FROM \(table)").scalar(Int.self) == 0)
        try await pool.query("DROP TABLE \(table)")
        await pool.shutdown()
    }

    @Test func aWaiterIsServedWhenAConnectionFreesUp() async throws {
        var configuration = PostgresConfiguration(try TestEnvironment.databaseURL())
        configuration.maxConnections = 2
        configuration.checkoutTimeout = .seconds(60)  // about sharing, not speed: the suite competes for two cores
        let pool = PostgresPool(configuration: configuration)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask { try await pool.query("SELECT $1::int8 FROM pg_sleep(0.01)", index).scalar(Int.self) ?? -1 }
            }
            var seen = Set<Int>()
            for try await value in group { seen.insert(value) }
            #expect(seen == Set(0..<20))
        }
        #expect(pool.statistics.open <= 2)
        await pool.shutdown()
    }

    @Test func aConnectionKilledByTheServerIsReplaced() async throws {
        var configuration = PostgresConfiguration(try TestEnvironment.databaseURL())
        configuration.maxConnections = 1
        let pool = PostgresPool(configuration: configuration)
        let admin = try await PostgresConnection.connect(configuration: configuration)
        let firstPID = try await pool.query("SELECT pg_backend_pid()").scalar(Int.self)!
        try await admin.query("SELECT pg_terminate_backend($1::int)", firstPID)
        // Until the backend's process has ended, its socket may still be
        // open: it leaves pg_stat_activity before it exits, and a use in
        // that window meets a connection that looked alive (CI did once).
        // The test's server runs on this machine, so /proc shows the end.
        try await eventually("the backend's process ended") { ProcessStat(pid: firstPID)?.isZombie ?? true }
        let secondPID = try await pool.query("SELECT pg_backend_pid()").scalar(Int.self)!
        #expect(secondPID != firstPID)
        #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
        await pool.shutdown()
    }

    @Test func aConnectionLostMidStatementIsReportedAndReplaced() async throws {
        var configuration = PostgresConfiguration(try TestEnvironment.databaseURL())
        configuration.maxConnections = 1
        let pool = PostgresPool(configuration: configuration)
        let admin = try await PostgresConnection.connect(configuration: configuration)
        let pid = try await pool.withSession { $0.backendPID }
        // Killed once the statement runs, however long a loaded machine
        // takes to send it (a fixed pause could kill the idle session first).
        let killer = Task {
            try await eventually("pg_sleep running", within: 60) {
                try await admin.query(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep%'", pid
                ).scalar(Int.self) == 1
            }
            try await admin.query("SELECT pg_terminate_backend($1::int)", pid)
        }
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT pg_sleep(120)") }
        #expect(error?.isUnavailable == true)
        try await killer.value
        #expect(try await pool.query("SELECT 1").scalar(Int.self) == 1)
        await pool.shutdown()
    }
}
