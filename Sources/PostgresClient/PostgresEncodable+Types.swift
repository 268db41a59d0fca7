import Foundation
import UUIDText

extension String: PostgresEncodable {
    /// Untyped, so the server casts it to the column's type (text, jsonb, enum …).
    public var postgresBind: PostgresBind { PostgresBind(text: self) }
}

extension Int: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), typeOID: PostgresTypeOID.int8) }
}

extension Int32: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: String(self), typeOID: PostgresTypeOID.int4) }
}

extension Double: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: "\(self)", typeOID: PostgresTypeOID.float8) }
}

extension Bool: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(text: self ? "t" : "f", typeOID: PostgresTypeOID.bool) }
}

/// Binary: the server's uuid_in parses text with a strtoul call per byte
/// (with uuid[], a third of PostgreSQL's parsing in a 1,000-job enqueue);
/// uuid_recv copies sixteen bytes.
extension UUID: PostgresEncodable {
    public var postgresBind: PostgresBind {
        PostgresBind(binary: withUnsafeBytes(of: uuid) { Array($0) }, typeOID: PostgresTypeOID.uuid)
    }
}

extension Date: PostgresEncodable {
    public var postgresBind: PostgresBind {
        PostgresBind(text: PostgresTimestamp.format(self), typeOID: PostgresTypeOID.timestamptz)
    }
}

/// Binary data goes as binary bytea: no escaping, no hex doubling.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public var postgresBind: PostgresBind { Element.bind(self) }
}

extension Data: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(binary: Array(self), typeOID: PostgresTypeOID.bytea) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresBind: PostgresBind { self?.postgresBind ?? .null }
}

/// What may stand in a Swift array parameter: bytes become `bytea`, other
/// elements a Postgres array (`int8[]`, `text[]`, `uuid[]` …), as batch
/// inserts with `unnest` need.
public protocol PostgresArrayElement: Sendable {
    static func bind(_ elements: [Self]) -> PostgresBind
}

extension UInt8: PostgresArrayElement {
    public static func bind(_ elements: [UInt8]) -> PostgresBind {
        PostgresBind(binary: elements, typeOID: PostgresTypeOID.bytea)
    }
}

extension Int: PostgresArrayElement {
    public static func bind(_ elements: [Int]) -> PostgresBind {
        var literal = PostgresArrayLiteral(capacity: elements.count * 4)
        for element in elements { literal.appendUnquoted { $0.append(contentsOf: String(element).utf8) } }
        return literal.bind(typeOID: PostgresTypeOID.int8Array)
    }
}

extension String: PostgresArrayElement {
    public static func bind(_ elements: [String]) -> PostgresBind {
        var literal = PostgresArrayLiteral(capacity: elements.count * 8)
        for element in elements { literal.appendQuoted(element.utf8) }
        return literal.bind(typeOID: PostgresTypeOID.textArray)
    }
}

/// Binary, as a single UUID is: array_recv's layout (dimensions, then each
/// element's length and bytes, all integers big-endian).
extension UUID: PostgresArrayElement {
    public static func bind(_ elements: [UUID]) -> PostgresBind {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + elements.count * 20)
        func append(_ value: Int32) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
        append(elements.isEmpty ? 0 : 1)  // dimensions
        append(0)  // no NULLs
        append(Int32(bitPattern: PostgresTypeOID.uuid))
        if !elements.isEmpty {
            append(Int32(elements.count))
            append(1)  // lower bound
        }
        for element in elements {
            append(16)
            withUnsafeBytes(of: element.uuid) { bytes.append(contentsOf: $0) }
        }
        return PostgresBind(binary: bytes, typeOID: PostgresTypeOID.uuidArray)
    }
}

extension Optional: PostgresArrayElement where Wrapped == String {
    public static func bind(_ elements: [String?]) -> PostgresBind {
        var literal = PostgresArrayLiteral(capacity: elements.count * 8)
        for element in elements {
            if let element { literal.appendQuoted(element.utf8) } else { literal.appendNull() }
        }
        return literal.bind(typeOID: PostgresTypeOID.textArray)
    }
}

extension Date: PostgresArrayElement {
    public static func bind(_ elements: [Date]) -> PostgresBind {
        var literal = PostgresArrayLiteral(capacity: elements.count * 32)
        // Quoted for the space between date and time; no escaping needed.
        for element in elements {
            literal.appendUnquoted { bytes in
                bytes.append(UInt8(ascii: "\""))
                PostgresTimestamp.append(element, to: &bytes)
                bytes.append(UInt8(ascii: "\""))
            }
        }
        return literal.bind(typeOID: PostgresTypeOID.timestamptzArray)
    }
}
