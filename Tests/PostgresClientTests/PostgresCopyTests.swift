import DocketTesting
import Foundation
import PostgresClient
import Testing

/// `PostgresSession.copy` and the rows it sends.
@Suite struct PostgresCopyTests {
    /// COPY's binary layout, byte for byte: signature, header, a row of
    /// three fields (text, NULL, bigint), the end marker.
    @Test func rowsAreWrittenInCopysBinaryLayout() {
        var rows = PostgresCopyRows()
        rows.append(text: "é\t")
        rows.append(text: nil)
        rows.append(int8: 42)
        rows.endRow()
        let expected: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0, 0, 0, 0, 0]
            + [0, 3]
            + [0, 0, 0, 3, 0xC3, 0xA9, 0x09]
            + [0xFF, 0xFF, 0xFF, 0xFF]
            + [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 42]
            + [0xFF, 0xFF]
        #expect(rows.bytes == expected)
        #expect(rows.count == 1)
    }

    /// Awkward values of every type written come back from the table as
    /// they went in.
    @Test func rowsRoundTripThroughATable() async throws {
        try await TestDatabase.withConnection { connection in
            let texts: [String?] = ["tab\there", "back\\slash", "new\nline\r\n", "Grüße 🚀", "\\N", nil, ""]
            let when = Date(timeIntervalSince1970: 1_800_000_000.123456)
            let before = Date(timeIntervalSince1970: -1.5)  // before 1970 and PostgreSQL's 2000 epoch
            let ids = texts.map { _ in UUID() }
            var rows = PostgresCopyRows()
            for (index, text) in texts.enumerated() {
                rows.append(index == 5 ? nil : ids[index])
                rows.append(text: text)
                rows.append(int8: Int64(index) - 3)
                rows.append(int4: Int32(index) * -70_000)
                rows.append(int2: Int16(index) - 2)
                rows.append(index == 1 ? before : when)
                rows.append(jsonb: #"{"n": \#(index), "s": "\u00e9\t"}"#)
                rows.endRow()
            }
            let data = rows
            let copied = try await connection.withSession { session in
                try session.executeScript("CREATE TABLE copied (id uuid, t text, n int8, i int4, s int2, d timestamptz, j jsonb)")
                return try session.copy(into: "copied", columns: ["id", "t", "n", "i", "s", "d", "j"], rows: data)
            }
            #expect(copied == texts.count)
            let back = try await connection.withSession {
                try $0.query("SELECT id, t, n, i, s, d, j->>'n', j->>'s' FROM copied ORDER BY n")
            }
            #expect(try back.map { try $0.decode(0, as: UUID?.self) } == ids.enumerated().map { $0.offset == 5 ? nil : $0.element })
            #expect(try back.map { try $0.decode(1, as: String?.self) } == texts)
            #expect(try back.map { try $0.decode(2, as: Int.self) } == (0..<7).map { $0 - 3 })
            #expect(try back.map { try $0.decode(3, as: Int.self) } == (0..<7).map { $0 * -70_000 })
            #expect(try back.map { try $0.decode(4, as: Int.self) } == (0..<7).map { $0 - 2 })
            let dates = try back.map { try $0.decode(5, as: Date.self) }
            #expect(abs(dates[0].timeIntervalSince(when)) < 0.000_001 && abs(dates[1].timeIntervalSince(before)) < 0.000_001)
            #expect(try back.map { try $0.decode(6, as: String.self) } == (0..<7).map(String.init))
            #expect(try back.allSatisfy { try $0.decode(7, as: String.self) == "é\t" })
        }
    }

    /// A row the table refuses (here a NULL in a NOT NULL column) fails
    /// the whole COPY: nothing is stored and the connection goes on working.
    @Test func aRefusedRowCopiesNothing() async throws {
        try await TestDatabase.withConnection { connection in
            try await connection.withSession { try $0.executeScript("CREATE TABLE numbers (n int8 NOT NULL)") }
            var rows = PostgresCopyRows()
            for value in ["1", "2", nil] as [String?] {
                if let value { rows.append(int8: Int64(value)!) } else { rows.append(text: nil) }
                rows.endRow()
            }
            let data = rows
            await #expect(throws: PostgresError.self) {
                try await connection.withSession { try $0.copy(into: "numbers", columns: ["n"], rows: data) }
            }
            let count = try await connection.withSession { try $0.query("SELECT count(*)::int FROM numbers").scalar(Int.self) }
            #expect(count == 0)
        }
    }
}
