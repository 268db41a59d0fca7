/// A failure talking to Redis. `code` says which kind, so callers can tell a
/// lost connection (retry elsewhere, later) from an error reply (the
/// connection is fine; the command was wrong).
public struct RedisError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The configuration (URL) is malformed.
        case invalidConfiguration = "invalid_configuration"
        /// No connection could be made within the reconnect window.
        case connectionFailed = "connection_failed"
        /// The connection broke during a command (I/O error, EOF, timeout).
        case connectionLost = "connection_lost"
        /// Redis answered with an error reply; the connection stays usable.
        case errorReply = "error_reply"
        /// A reply of a type the caller did not expect.
        case unexpectedReply = "unexpected_reply"
        /// Every pooled connection stayed busy past the checkout timeout.
        case poolExhausted = "pool_exhausted"
    }

    public let code: Code
    /// Details for logs: hiredis's error string or Redis's error reply.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "redis \(code.rawValue): \(message)" }

    /// True when a NOSCRIPT reply says the server lost its script cache.
    var isNoScript: Bool { code == .errorReply && message.hasPrefix("NOSCRIPT") }
}
