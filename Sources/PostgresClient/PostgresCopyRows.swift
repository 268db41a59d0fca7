import Foundation

/// Rows for `PostgresSession.copy(into:columns:rows:)`, in COPY's binary
/// format: a signature and header, then per row a 16-bit field count and
/// each field as a 32-bit length (-1 for NULL) and its bytes in the
/// column type's binary form, big-endian; a 16-bit -1 ends the data. The
/// server reads the values without parsing text (the text format's
/// `uuid_in` alone made sixteen `strtoul` calls per id). Binary fields are
/// not cast: each `append` names its column's exact type.
public struct PostgresCopyRows: Sendable {
    /// The whole COPY data, the end marker included.
    public private(set) var bytes: [UInt8]
    /// Rows ended so far.
    public private(set) var count = 0
    /// Where the open row's field count goes, once a field is appended.
    private var rowStart: Int?
    private var fieldsInRow: Int16 = 0

    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    static let end: [UInt8] = [0xFF, 0xFF]
    /// 2000-01-01 00:00:00 UTC, PostgreSQL's epoch, in Unix microseconds.
    static let postgresEpochMicros: Int64 = 946_684_800_000_000

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity + 21)
        bytes += Self.signature
        bytes += [0, 0, 0, 0, 0, 0, 0, 0]  // flags, header extension length
        bytes += Self.end
    }

    /// `uuid`.
    public mutating func append(_ id: UUID?) {
        guard let id else { return appendNull() }
        field(length: 16)
        withUnsafeBytes(of: id.uuid) { bytes.append(contentsOf: $0) }
    }

    /// `timestamptz`, to the microsecond.
    public mutating func append(_ date: Date) {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        append(int8: micros - Self.postgresEpochMicros)
    }

    /// `smallint`.
    public mutating func append(int2 value: Int16) {
        field(length: 2)
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// `integer`.
    public mutating func append(int4 value: Int32) {
        field(length: 4)
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// `bigint`.
    public mutating func append(int8 value: Int64) {
        field(length: 8)
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// `text` (UTF-8, any characters).
    public mutating func append(text: String?) {
        guard var utf8Text = text else { return appendNull() }
        utf8Text.withUTF8 { utf8 in
            field(length: utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// `jsonb`: a version byte, then the JSON text, which the server checks.
    public mutating func append(jsonb json: String) {
        var utf8JSON = json
        utf8JSON.withUTF8 { utf8 in
            field(length: 1 + utf8.count)
            bytes.append(1)
            bytes.append(contentsOf: utf8)
        }
    }

    /// No row is open: `bytes` is a whole COPY stream.
    var isComplete: Bool { rowStart == nil }

    public mutating func endRow() {
        precondition(rowStart != nil, "a COPY row needs at least one field")  // programmer error
        withUnsafeBytes(of: fieldsInRow.bigEndian) { count in
            bytes[rowStart!] = count[0]
            bytes[rowStart! + 1] = count[1]
        }
        bytes += Self.end
        rowStart = nil
        fieldsInRow = 0
        count += 1
    }

    private mutating func appendNull() {
        field(length: -1)
    }

    /// Opens the row at its first field (the end marker moves behind it),
    /// then writes the field's length.
    private mutating func field(length: Int) {
        if rowStart == nil {
            bytes.removeLast(Self.end.count)
            rowStart = bytes.count
            bytes += [0, 0]
        }
        fieldsInRow += 1
        withUnsafeBytes(of: Int32(length).bigEndian) { bytes.append(contentsOf: $0) }
    }
}
