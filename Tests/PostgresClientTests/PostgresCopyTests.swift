import DocketTesting
import Foundation
import PostgresClient
import Testing

/// `PostgresSession.copy` and the rows it sends.
@Suite struct PostgresCopyTests {
    @Test func textIsEscapedAsCopyReadsIt() {
        var rows = PostgresCopyRows()
        rows.append("a\tb\\c\nd\re")
        rows.append(String?.none)
        rows.append(42)
        rows.endRow()
        #expect(String(decoding: rows.bytes, as: UTF8.self) == "a\\tb\\\\c\\nd\\re\t\\N\t42\n")
        #expect(rows.count == 1)
    }

    /// Awkward values come back from the table as they went in.
    @Test func rowsRoundTripThroughATable() async throws {
        try await TestDatabase.withConnection { connection in
            let texts: [String?] = ["tab\there", "back\\slash", "new\nline\r\n", "Grüße 🚀", "\\N", nil, ""]
            let when = Date(timeIntervalSince1970: 1_800_000_000.123456)
            let ids = texts.map { _ in UUID() }
            var rows = PostgresCopyRows()
            for (index, text) in texts.enumerated() {
                rows.append(ids[index])
                rows.append(text)
                rows.append(index)
                rows.append(when)
                rows.endRow()
            }
            let data = rows
            let copied = try await connection.withSession { session in
                try session.executeScript("CREATE TABLE copied (id uuid, t text, n int8, d timestamptz)")
                return try session.copy("COPY copied (id, t, n, d) FROM STDIN", rows: data)
            }
            #expect(copied == texts.count)
            let back = try await connection.withSession { try $0.query("SELECT id, t, n, d FROM copied ORDER BY n") }
            #expect(try back.map { try $0.decode(0, as: UUID.self) } == ids)
            #expect(try back.map { try $0.decode(1, as: String?.self) } == texts)
            #expect(try back.map { try $0.decode(3, as: Date.self).timeIntervalSince(when) }.allSatisfy { abs($0) < 0.000_001 })
        }
    }

    /// A row the table refuses fails the whole COPY: nothing is stored and
    /// the connection goes on working.
    @Test func aRefusedRowCopiesNothing() async throws {
        try await TestDatabase.withConnection { connection in
            try await connection.withSession { try $0.executeScript("CREATE TABLE numbers (n int8 NOT NULL)") }
            var rows = PostgresCopyRows()
            for value in ["1", "2", "three"] as [String?] {
                rows.append(value)
                rows.endRow()
            }
            let data = rows
            await #expect(throws: PostgresError.self) {
                try await connection.withSession { try $0.copy("COPY numbers (n) FROM STDIN", rows: data) }
            }
            let count = try await connection.withSession { try $0.query("SELECT count(*)::int FROM numbers").scalar(Int.self) }
            #expect(count == 0)
        }
    }
}
