import Foundation
import UUIDText

/// A Swift type a result column can be decoded into, from Postgres's text format.
public protocol PostgresDecodable: Sendable {
    init(postgresText text: ArraySlice<UInt8>) throws
    /// The value for SQL NULL; by default NULL is an error.
    static func postgresNull() throws -> Self
}

extension PostgresDecodable {
    public static func postgresNull() throws -> Self {
        throw PostgresError(.decoding, "unexpected NULL for \(Self.self)")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresText text: ArraySlice<UInt8>) throws {
        self = try Wrapped(postgresText: text)
    }

    public static func postgresNull() throws -> Self { nil }
}

extension String: PostgresDecodable {
    public init(postgresText text: ArraySlice<UInt8>) throws {
        self = String(decoding: text, as: UTF8.self)
    }
}

extension Int: PostgresDecodable {
    public init(postgresText text: ArraySlice<UInt8>) throws {
        guard let value = Int(String(decoding: text, as: UTF8.self)) else {
            throw PostgresError(.decoding, "not an integer")
        }
        self = value
    }
}

extension Double: PostgresDecodable {
    public init(postgresText text: ArraySlice<UInt8>) throws {
        guard let value = Double(String(decoding: text, as: UTF8.self)) else {
            throw PostgresError(.decoding, "not a number")
        }
        self = value
    }
}

extension Bool: PostgresDecodable {
    public init(postgresText text: ArraySlice<UInt8>) throws {
        switch text.first {
        case UInt8(ascii: "t"): self = true
        case UInt8(ascii: "f"): self = false
        default: throw PostgresError(.decoding, "not a boolean")
        }
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText text: ArraySlice<UInt8>) throws {
        guard let value = UUID(text: text) else {
            throw PostgresError(.decoding, "not a uuid")
        }
        self = value
    }
}

extension Date: PostgresDecodable {
    public init(postgresText text: ArraySlice<UInt8>) throws {
        self = try PostgresTimestamp.parse(text)
    }
}

/// bytea arrives in hex format (`\x0aff…`), the server default since 9.0.
extension Array: PostgresDecodable where Element == UInt8 {
    public init(postgresText text: ArraySlice<UInt8>) throws {
        guard text.count >= 2, text.first == UInt8(ascii: "\\"),
              text[text.startIndex + 1] == UInt8(ascii: "x"), text.count % 2 == 0
        else { throw PostgresError(.decoding, "bytea not in hex format") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((text.count - 2) / 2)
        var index = text.startIndex + 2
        while index < text.endIndex {
            guard let high = hexValue(text[index]), let low = hexValue(text[index + 1]) else {
                throw PostgresError(.decoding, "bad hex digit in bytea")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }
}

private func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
    default: nil
    }
}
