/// A failure talking to Postgres. `code` gives the kind; `sqlState` the
/// server's SQLSTATE when it sent one. `description` carries no SQL text and
/// no parameters, so it is safe for logs and metrics.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// No connection could be made.
        case connectionFailed = "connection_failed"
        /// The connection broke during a statement: its outcome is unknown.
        case connectionLost = "connection_lost"
        /// The server answered with an error (see `sqlState`).
        case server = "server_error"
        /// Every pooled connection stayed busy past the checkout timeout.
        case poolExhausted = "pool_exhausted"
        /// A value could not be decoded as the requested Swift type.
        case decoding = "decoding"
        /// A migration file is malformed or misnumbered.
        case migration = "migration"
    }

    public let code: Code
    /// The five-character SQLSTATE for `.server` errors.
    public let sqlState: String?
    /// The server's message or libpq's, for logs.
    public let message: String

    public init(_ code: Code, sqlState: String? = nil, _ message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        "postgres \(code.rawValue)\(sqlState.map { " [\($0)]" } ?? ""): \(message)"
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isSerializationFailure: Bool { sqlState == "40001" }
    public var isDeadlock: Bool { sqlState == "40P01" }

    /// True when the database could not be reached or went away: the
    /// operation may succeed later, elsewhere or after a reconnect.
    public var isUnavailable: Bool {
        switch code {
        case .connectionFailed, .connectionLost, .poolExhausted: return true
        case .server:
            // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect now.
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
        case .decoding, .migration: return false
        }
    }

    /// True for failures that a fresh attempt of the whole transaction may avoid.
    public var isTransientTransactionFailure: Bool { isSerializationFailure || isDeadlock }
}
