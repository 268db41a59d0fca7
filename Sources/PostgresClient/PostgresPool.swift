import BlockingIO
import Logging

/// A bounded pool of Postgres connections, each on its own thread.
///
/// Callers beyond `maxConnections` wait in line; past `checkoutTimeout` they
/// fail with `poolExhausted`. A connection found closed by the server is
/// reopened before use, and one lost mid-statement is replaced.
public final class PostgresPool: Sendable {
    public let configuration: PostgresConfiguration
    private let pool: ConnectionPool<PostgresConnection>

    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "docket.postgres")) {
        self.configuration = configuration
        self.pool = ConnectionPool(
            maxConnections: configuration.maxConnections, checkoutTimeout: configuration.checkoutTimeout
        ) {
            PostgresConnection(configuration: configuration, logger: logger)
        }
    }

    /// Runs `body` with a connection no other caller uses meanwhile.
    public func withConnection<R: Sendable>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        do {
            return try await pool.withConnection { connection in
                do {
                    return try await body(connection)
                } catch {
                    // A caller that began a transaction and failed before
                    // ending it does not hand the next caller an open one.
                    await connection.rollBackAbandonedTransaction()
                    throw error
                }
            }
        } catch let error as ConnectionPoolError {
            throw PostgresError(.poolExhausted, error.description)
        }
    }

    @discardableResult
    public func withSession<R: Sendable>(
        _ body: @Sendable (borrowing PostgresSession) throws -> R
    ) async throws -> R {
        try await withConnection { try await $0.withSession(body) }
    }

    @discardableResult
    public func query(_ sql: String, _ binds: any PostgresEncodable...) async throws -> PostgresRows {
        try await withConnection { [binds] in try await $0.query(sql, binds: binds) }
    }

    @discardableResult
    public func query(_ sql: String, binds: [any PostgresEncodable]) async throws -> PostgresRows {
        try await withConnection { try await $0.query(sql, binds: binds) }
    }

    /// See `PostgresConnection.transaction`.
    @discardableResult
    public func transaction<R: Sendable>(
        retrying: Bool = false,
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: @Sendable (borrowing PostgresSession) throws -> R
    ) async throws -> R {
        try await withConnection { try await $0.transaction(retrying: retrying, isolation: isolation, body) }
    }

    /// Open, idle and waiting counts.
    public var statistics: (open: Int, idle: Int, waiting: Int) { pool.statistics }

    public func shutdown() async { await pool.shutdown() }
}
