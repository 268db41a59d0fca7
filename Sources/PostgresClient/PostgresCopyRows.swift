import Foundation
import UUIDText

/// Rows for `COPY … FROM STDIN` in COPY's text format, written byte by
/// byte into one buffer: columns end with a tab, rows with a newline,
/// `\N` is NULL, and a backslash, tab, newline or carriage return inside a
/// value is escaped. `PostgresSession.copy(_:rows:)` sends them.
public struct PostgresCopyRows: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Rows ended so far.
    public private(set) var count = 0
    private var columnsInRow = 0

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func append(_ id: UUID) {
        separate()
        id.appendLowercased(to: &bytes)
    }

    public mutating func append(_ number: Int) {
        separate()
        bytes.append(contentsOf: String(number).utf8)
    }

    public mutating func append(_ date: Date) {
        separate()
        PostgresTimestamp.append(date, to: &bytes)
    }

    public mutating func append(_ text: String?) {
        separate()
        guard let text else { return bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")]) }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: bytes.append(byte)
            }
        }
    }

    public mutating func append(_ id: UUID?) {
        guard let id else { return append(String?.none) }
        append(id)
    }

    public mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        columnsInRow = 0
        count += 1
    }

    private mutating func separate() {
        if columnsInRow > 0 { bytes.append(UInt8(ascii: "\t")) }
        columnsInRow += 1
    }
}
