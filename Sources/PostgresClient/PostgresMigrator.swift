import Logging

/// Applies numbered migrations in order, each in its own transaction,
/// recorded in `schema_migrations`. A session-level advisory lock makes
/// concurrent migrators (two replicas starting at once) take turns: the
/// second finds the work done. The lock dies with its session, so a crashed
/// migrator blocks no one.
public enum PostgresMigrator {
    /// The advisory lock key: "docket" in ASCII.
    static let lockKey = 0x646F_636B_6574

    /// Applies what is missing; returns the versions applied now.
    @discardableResult
    public static func migrate(
        _ migrations: [PostgresMigration],
        on connection: PostgresConnection,
        logger: Logger = Logger(label: "docket.migrate")
    ) async throws -> [Int] {
        try await connection.withSession { session in
            try session.query("SELECT pg_advisory_lock($1)", lockKey)
            defer { releaseLock(session, logger: logger) }
            try session.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let applied = Set(try session.query("SELECT version FROM schema_migrations").map {
                try $0.decode(0, as: Int.self)
            })
            var appliedNow: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                do {
                    try PostgresTransaction.run(on: session, isolation: .readCommitted, logger: logger) { tx in
                        try tx.executeScript(migration.sql)
                        try tx.query(
                            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                            migration.version, migration.name
                        )
                    }
                } catch let error as PostgresError {
                    throw PostgresError(
                        .migration, sqlState: error.sqlState,
                        "\(migration.version)_\(migration.name): \(error.message)"
                    )
                }
                logger.info("applied migration", metadata: [
                    "migration.version": "\(migration.version)", "migration.name": "\(migration.name)",
                ])
                appliedNow.append(migration.version)
            }
            return appliedNow
        }
    }

    private static func releaseLock(_ session: borrowing PostgresSession, logger: Logger) {
        do {
            try session.query("SELECT pg_advisory_unlock($1)", lockKey)
        } catch {
            // Ending the session releases it anyway.
            logger.warning("could not release the migration lock", metadata: ["error": "\(error)"])
        }
    }
}
