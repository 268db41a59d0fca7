import Logging

/// How a transaction sees concurrent ones.
public enum PostgresIsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// BEGIN, the caller's statements, then COMMIT, or ROLLBACK on a throw.
enum PostgresTransaction {
    static func run<R>(
        on session: borrowing PostgresSession,
        isolation: PostgresIsolationLevel,
        logger: Logger,
        _ body: (borrowing PostgresSession) throws -> R
    ) throws -> R {
        try session.executeScript(
            isolation == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL \(isolation.rawValue)"
        )
        do {
            let result = try body(session)
            try session.executeScript("COMMIT")
            return result
        } catch {
            rollback(session, logger: logger)
            throw error
        }
    }

    private static func rollback(_ session: borrowing PostgresSession, logger: Logger) {
        guard session.handle.isConnected else { return }
        do {
            try session.executeScript("ROLLBACK")
        } catch {
            // The connection is then unusable for transactions; the next use
            // finds it broken and reconnects.
            logger.warning("rollback failed", metadata: ["error": "\(error)"])
        }
    }
}
