/// A reply from Redis, copied out of hiredis's reply tree into Swift values.
public enum RedisValue: Sendable, Equatable {
    /// A bulk string: binary-safe bytes.
    case bulk([UInt8])
    /// A status reply such as `OK` or `QUEUED`.
    case status(String)
    case integer(Int)
    case array([RedisValue])
    /// A nil bulk string or nil array.
    case null
    /// An error reply inside a pipeline or an array (single commands throw instead).
    case error(String)

    /// Bulk or status text as a string (invalid UTF-8 repaired).
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { return bytes }
        return nil
    }

    /// An integer reply, or a bulk string holding a decimal integer.
    public var int: Int? {
        switch self {
        case .integer(let value): value
        case .bulk(let bytes): Int(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    public var array: [RedisValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var isNull: Bool { self == .null }
}
