import BlockingIO
import Foundation
import Logging
import Synchronization

/// One connection to Postgres, running on a thread of its own.
///
/// Every method runs on the connection's dedicated thread, so libpq's
/// blocking calls never occupy Swift's cooperative pool, and a whole
/// transaction is one hop. Before each use an idle connection is checked
/// without a round trip (has the server closed it?) and reopened if needed;
/// one lost mid-statement is marked broken so its pool replaces it.
public actor PostgresConnection: PooledConnection {
    public nonisolated let configuration: PostgresConfiguration
    private let executor: DedicatedThreadExecutor
    private let logger: Logger
    private var handle: PostgresHandle?
    private let broken = Atomic<Bool>(false)

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Creates the connection without connecting; the first use connects.
    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "docket.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.executor = DedicatedThreadExecutor(name: "postgres")
    }

    /// Creates a connection and connects now, so a bad address fails here.
    public static func connect(
        configuration: PostgresConfiguration, logger: Logger = Logger(label: "docket.postgres")
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(configuration: configuration, logger: logger)
        try await connection.withSession { _ in }
        return connection
    }

    deinit { executor.shutdown() }

    public nonisolated var isBroken: Bool { broken.load(ordering: .relaxed) }

    public func close() {
        handle = nil
        broken.store(true, ordering: .relaxed)
    }

    /// Runs `body` on the connection's thread with synchronous access.
    @discardableResult
    public func withSession<R: Sendable>(_ body: @Sendable (borrowing PostgresSession) throws -> R) throws -> R {
        let session = PostgresSession(handle: try liveHandle())
        do {
            return try body(session)
        } catch let error as PostgresError where error.code == .connectionLost {
            markLost()
            throw error
        }
    }

    @discardableResult
    public func query(_ sql: String, _ binds: any PostgresEncodable...) throws -> PostgresRows {
        try query(sql, binds: binds)
    }

    @discardableResult
    public func query(_ sql: String, binds: [any PostgresEncodable]) throws -> PostgresRows {
        try withSession { try $0.query(sql, binds: binds) }
    }

    /// Runs `body` inside BEGIN … COMMIT in one hop. A throw rolls back and
    /// rethrows. With `retrying`, a serialization failure or deadlock runs
    /// the whole body again, up to `configuration.transactionAttempts` times.
    @discardableResult
    public func transaction<R: Sendable>(
        retrying: Bool = false,
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: @Sendable (borrowing PostgresSession) throws -> R
    ) throws -> R {
        var attempt = 1
        while true {
            do {
                return try withSession { session in
                    try PostgresTransaction.run(on: session, isolation: isolation, logger: logger, body)
                }
            } catch let error as PostgresError
                where retrying && error.isTransientTransactionFailure && attempt < configuration.transactionAttempts
            {
                logger.debug("retrying transaction", metadata: [
                    "postgres.sqlstate": "\(error.sqlState ?? "")", "postgres.attempt": "\(attempt)",
                ])
                attempt += 1
                // A short random pause lets the competing transaction finish.
                Thread.sleep(forTimeInterval: Double.random(in: 0.001...0.005) * Double(attempt))
            }
        }
    }

    /// Rolls back a transaction that a failed caller left open, so the next
    /// user of a pooled connection starts outside any transaction. A
    /// rollback that fails marks the connection lost: the pool replaces it.
    func rollBackAbandonedTransaction() {
        guard let handle, handle.isInTransaction else { return }
        do {
            try handle.executeScript("ROLLBACK")
        } catch {
            logger.debug("rollback of an abandoned transaction failed", metadata: ["error": "\(error)"])
            markLost()
        }
    }

    /// The live libpq handle, reconnecting first if the server closed the last one.
    private func liveHandle() throws -> PostgresHandle {
        if let handle, handle.isHealthyWhenIdle() { return handle }
        if handle != nil { logger.info("postgres connection lost, reconnecting") }
        handle = nil
        do {
            let fresh = try PostgresHandle(connectionString: configuration.connectionString, logger: logger)
            handle = fresh
            broken.store(false, ordering: .relaxed)
            return fresh
        } catch {
            broken.store(true, ordering: .relaxed)
            throw error
        }
    }

    private func markLost() {
        handle = nil
        broken.store(true, ordering: .relaxed)
    }
}
