import DocketTesting
import Foundation
import PostgresClient
import Testing

@Suite struct PostgresValuesTests {
    @Test func parametersRoundTripWithNullUnicodeAndBytes() async throws {
        let pool = PostgresPool(configuration: PostgresConfiguration(try TestEnvironment.databaseURL()))
        let bytes: [UInt8] = [0, 0xFF, 13, 10, 0x5C, 0x78, 0]
        let id = UUID()
        let when = Date(timeIntervalSince1970: 1_800_000_000.123456)
        let text = "Grüße, 世界 🚀 'quoted' \"double\" \\ back"
        let row = try await pool.query(
            "SELECT $1::text AS t, $2::text AS n, $3::bytea AS b, $4::int8 AS i, $5::uuid AS u, $6::timestamptz AS d, $7::bool AS f, $8::float8 AS x",
            text, String?.none, bytes, -42, id, when, true, 2.5
        )[0]
        #expect(try row.decode("t", as: String.self) == text)
        #expect(try row.decode("n", as: String?.self) == nil)
        #expect(try row.decode("b", as: [UInt8].self) == bytes)
        #expect(try row.decode("i", as: Int.self) == -42)
        #expect(try row.decode("u", as: UUID.self) == id)
        #expect(abs(try row.decode("d", as: Date.self).timeIntervalSince(when)) < 0.000_001)
        #expect(try row.decode("f", as: Bool.self))
        #expect(try row.decode("x", as: Double.self) == 2.5)
        #expect(throws: PostgresError.self) { _ = try row.decode("n", as: String.self) }
        await pool.shutdown()
    }

    /// The server reads each bound timestamp as the instant it is, to the
    /// microsecond, across years, fractions and leap days.
    @Test func timestampsBindToTheExactMicrosecond() async throws {
        let pool = PostgresPool(configuration: PostgresConfiguration(try TestEnvironment.databaseURL()))
        let micros: [Int64] = [0, 1, 999_999, 951_782_400_000_000, 946_684_799_999_999, 1_800_000_000_123_456, 4_102_444_800_000_001]
        let dates = micros.map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
        let rows = try await pool.query(
            "SELECT (extract(epoch FROM d) * 1000000)::int8 FROM unnest($1::timestamptz[]) WITH ORDINALITY AS t(d, n) ORDER BY n", dates
        )
        #expect(try rows.map { try $0.decode(0, as: Int.self) } == micros.map(Int.init))
        await pool.shutdown()
    }

    @Test func arraysMakeBatchInsertsOneStatement() async throws {
        let database = try await TestDatabase.create()
        let connection = try await PostgresConnection.connect(configuration: database.configuration)
        try await connection.withSession { try $0.executeScript("CREATE TABLE items (n int8, label text, ref uuid)") }
        let numbers = Array(1...1000).map { $0 % 13 == 0 ? -$0 : $0 }
        // Quotes, braces, commas, backslashes, non-ASCII, empty, and the word NULL (text, not null).
        let labels = numbers.map { n in
            switch abs(n) {
            case 5: ""
            case 6: "NULL"
            case let k where k % 11 == 0: "back\\slash \\\" é ✓"
            case let k where k % 7 == 0: "sev,en {\"\(n)\"}"
            default: "n\(n)"
            }
        }
        let refs = numbers.map { _ in UUID() }
        let inserted = try await connection.query(
            "INSERT INTO items SELECT * FROM unnest($1::int8[], $2::text[], $3::uuid[])", numbers, labels, refs
        )
        #expect(inserted.affectedRows == 1000)
        let rows = try await connection.query("SELECT n, label, ref FROM items ORDER BY abs(n)")
        #expect(try rows.map { try $0.decode(0, as: Int.self) } == numbers)
        #expect(try rows.map { try $0.decode(1, as: String.self) } == labels)
        #expect(try rows.map { try $0.decode(2, as: UUID.self) } == refs)
        #expect(try await connection.query("SELECT cardinality($1::uuid[])", [UUID]()).scalar(Int.self) == 0)
        let withNull = try await connection.query("SELECT unnest($1::text[])", [String?.some("a"), nil])
        #expect(try withNull.map { try $0.decode(0, as: String?.self) } == ["a", nil])
        await connection.close()
        try await database.drop()
    }

    @Test func serverErrorsCarryTheirSQLState() async throws {
        let database = try await TestDatabase.create()
        let pool = PostgresPool(configuration: database.configuration)
        try await pool.query("CREATE TABLE once (id int PRIMARY KEY)")
        try await pool.query("INSERT INTO once VALUES (1)")
        let error = await #expect(throws: PostgresError.self) { try await pool.query("INSERT INTO once VALUES (1)") }
        #expect(error?.isUniqueViolation == true)
        #expect(error?.code == .server)
        let syntax = await #expect(throws: PostgresError.self) { try await pool.query("SELEC 1") }
        #expect(syntax?.sqlState == "42601")
        // The connection is still good after errors.
        #expect(try await pool.query("SELECT count(*) FROM once").scalar(Int.self) == 1)
        await pool.shutdown()
        try await database.drop()
    }

    @Test func noticesGoToTheLoggerNotStderr() async throws {
        let capture = LogCapture()
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConfiguration(try TestEnvironment.databaseURL()), logger: capture.logger()
        )
        try await connection.withSession { try $0.executeScript("DO $$ BEGIN RAISE NOTICE 'docket-notice-check'; END $$") }
        #expect(capture.records.contains { $0.metadata["postgres.notice"]?.contains("docket-notice-check") == true })
    }

    @Test func badConnectionStringsFailClearly() async throws {
        let connection = PostgresConnection(configuration: PostgresConfiguration("postgres://nobody@127.0.0.1:1/none?connect_timeout=2"))
        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.isUnavailable == true)
    }
}
