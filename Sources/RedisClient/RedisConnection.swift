import BlockingIO
import Foundation
import Logging

/// One connection to Redis, running on a thread of its own.
///
/// Every method executes on the connection's dedicated thread, so hiredis's
/// blocking I/O never occupies Swift's cooperative pool. A connection whose
/// server went away reconnects by itself on its next use, retrying with
/// backoff for up to `reconnectWindow`.
public actor RedisConnection: PooledConnection {
    public nonisolated let configuration: RedisConfiguration
    private let executor: DedicatedThreadExecutor
    private let logger: Logger
    private var context: RedisContext?
    private var isClosed = false

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Creates the connection without connecting; the first use connects.
    public init(configuration: RedisConfiguration, logger: Logger = Logger(label: "docket.redis")) {
        self.configuration = configuration
        self.logger = logger
        self.executor = DedicatedThreadExecutor(name: "redis \(configuration.host):\(configuration.port)")
    }

    /// Creates a connection and connects it now, so a bad address fails here.
    public static func connect(
        configuration: RedisConfiguration, logger: Logger = Logger(label: "docket.redis")
    ) async throws -> RedisConnection {
        let connection = RedisConnection(configuration: configuration, logger: logger)
        try await connection.withSession { _ in }
        return connection
    }

    deinit { executor.shutdown() }

    /// A Redis connection heals itself, so the pool never needs to replace one.
    public nonisolated var isBroken: Bool { false }

    public func close() {
        isClosed = true
        context = nil
    }

    /// Runs `body` on the connection's thread with synchronous access: any
    /// number of commands, pipelines and scripts in one hop.
    @discardableResult
    public func withSession<R: Sendable>(_ body: @Sendable (borrowing RedisSession) throws -> R) throws -> R {
        let session = RedisSession(context: try usableContext())
        return try body(session)
    }

    @discardableResult
    public func send(_ command: RedisCommand) throws -> RedisValue {
        try RedisSession(context: usableContext()).send(command)
    }

    @discardableResult
    public func send(_ name: String, _ arguments: any RedisArgument...) throws -> RedisValue {
        try send(RedisCommand(name, arguments))
    }

    public func pipeline(_ commands: [RedisCommand]) throws -> [RedisValue] {
        try RedisSession(context: usableContext()).pipeline(commands)
    }

    @discardableResult
    public func eval(
        _ script: RedisScript, keys: [any RedisArgument] = [], arguments: [any RedisArgument] = []
    ) throws -> RedisValue {
        try RedisSession(context: usableContext()).eval(script, keys: keys, arguments: arguments)
    }

    /// The live context, reconnecting first if the last one died.
    private func usableContext() throws -> RedisContext {
        if isClosed { throw RedisError(.connectionLost, "the connection was closed") }
        if let context, context.isUsable, !context.hasUnaskedInput { return context }
        if context != nil {
            logger.info("redis connection lost, reconnecting", metadata: ["redis.host": "\(configuration.host)"])
        }
        context = nil
        let fresh = try connectWithBackoff()
        context = fresh
        return fresh
    }

    private func connectWithBackoff() throws -> RedisContext {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.reconnectWindow
        var delay = Duration.milliseconds(10)
        while true {
            do {
                let context = try RedisContext(configuration: configuration)
                // A restarted server answers LOADING until its AOF is read:
                // not ready yet, like a refused connection.
                if case .error(let message) = try context.execute(RedisCommand("PING")), message.hasPrefix("LOADING") {
                    throw RedisError(.connectionFailed, message)
                }
                return context
            } catch let error as RedisError where error.code == .connectionFailed {
                guard clock.now + delay < deadline else { throw error }
                // Sleeping blocks only this connection's own thread.
                Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18
                    + Double(delay.components.seconds))
                delay = min(delay * 2, .milliseconds(500))
            }
        }
    }
}
