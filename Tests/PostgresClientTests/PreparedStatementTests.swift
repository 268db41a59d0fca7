import DocketTesting
import Foundation
import PostgresClient
import Testing

/// `PostgresSession.query` prepares each statement once per connection.
@Suite struct PreparedStatementTests {
    @Test func aRepeatedStatementIsPreparedOnceAndRunsAgainWithNewValues() async throws {
        try await TestDatabase.withConnection { connection in
            let sql = "SELECT $1::int8 * 2 AS doubled -- prepared-once"
            let results = try await connection.withSession { session in
                try (1...3).map { try session.query(sql, $0)[0].decode(0, as: Int.self) }
            }
            #expect(results == [2, 4, 6])
            let prepared = try await connection.withSession { session in
                try session.query("SELECT count(*)::int FROM pg_prepared_statements WHERE statement LIKE '%-- prepared-once'").scalar(Int.self)
            }
            #expect(prepared == 1)
        }
    }

    /// A table that changes shape under a prepared `SELECT *` fails that one
    /// call (the server refuses the old plan's result type); the next call
    /// prepares it again and sees the new column.
    @Test func aStatementIsPreparedAgainAfterItsTableChangedShape() async throws {
        try await TestDatabase.withConnection { connection in
            try await connection.withSession { try $0.executeScript("CREATE TABLE shapes (a int); INSERT INTO shapes VALUES (1)") }
            let sql = "SELECT * FROM shapes WHERE a = $1"
            #expect(try await connection.withSession { try $0.query(sql, 1)[0].count } == 1)
            try await connection.withSession { try $0.executeScript("ALTER TABLE shapes ADD COLUMN b int DEFAULT 7") }
            await #expect(throws: PostgresError.self) { try await connection.withSession { try $0.query(sql, 1) } }
            let row = try await connection.withSession { try $0.query(sql, 1)[0] }
            #expect(try row.decode("b", as: Int.self) == 7)
        }
    }

    /// A statement that fails to prepare is not remembered: once the table
    /// exists, the same text runs.
    @Test func aStatementThatFailedToPrepareIsNotRemembered() async throws {
        try await TestDatabase.withConnection { connection in
            let sql = "SELECT count(*)::int FROM later WHERE n > $1"
            await #expect(throws: PostgresError.self) { try await connection.withSession { try $0.query(sql, 0) } }
            try await connection.withSession { try $0.executeScript("CREATE TABLE later (n int); INSERT INTO later VALUES (1), (2)") }
            #expect(try await connection.withSession { try $0.query(sql, 0).scalar(Int.self) } == 2)
        }
    }
}
