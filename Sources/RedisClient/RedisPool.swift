import BlockingIO
import Logging

/// A bounded pool of Redis connections for concurrent callers, each
/// connection on its own thread.
public final class RedisPool: Sendable {
    public let configuration: RedisConfiguration
    private let pool: ConnectionPool<RedisConnection>

    public init(
        configuration: RedisConfiguration,
        maxConnections: Int = 8,
        checkoutTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "docket.redis")
    ) {
        self.configuration = configuration
        self.pool = ConnectionPool(maxConnections: maxConnections, checkoutTimeout: checkoutTimeout) {
            RedisConnection(configuration: configuration, logger: logger)
        }
    }

    /// Runs `body` with a connection no other caller uses meanwhile.
    public func withConnection<R: Sendable>(_ body: (RedisConnection) async throws -> R) async throws -> R {
        do {
            return try await pool.withConnection(body)
        } catch let error as ConnectionPoolError where error.code != .shutdown {
            throw RedisError(.poolExhausted, error.description)
        }
    }

    /// Runs `body` synchronously on a pooled connection's thread: one hop.
    @discardableResult
    public func withSession<R: Sendable>(_ body: @Sendable (borrowing RedisSession) throws -> R) async throws -> R {
        try await withConnection { try await $0.withSession(body) }
    }

    @discardableResult
    public func send(_ command: RedisCommand) async throws -> RedisValue {
        try await withConnection { try await $0.send(command) }
    }

    @discardableResult
    public func send(_ name: String, _ arguments: any RedisArgument...) async throws -> RedisValue {
        let command = RedisCommand(name, arguments)
        return try await withConnection { try await $0.send(command) }
    }

    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisValue] {
        try await withConnection { try await $0.pipeline(commands) }
    }

    @discardableResult
    public func eval(
        _ script: RedisScript, keys: [any RedisArgument] = [], arguments: [any RedisArgument] = []
    ) async throws -> RedisValue {
        try await withConnection { try await $0.eval(script, keys: keys, arguments: arguments) }
    }

    public func shutdown() async { await pool.shutdown() }
}
