import ArgumentParser
import DocketCore
import DocketSchema
import Logging
import PostgresClient

/// `docketctl migrate`: applies the schema migrations that are missing.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply missing database migrations (safe to run from several processes at once)."
    )

    func run() async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: .database)
        let logger = Logger(label: "docketctl")
        let migrations = try DocketSchema.migrations()
        let connection = PostgresConnection(
            configuration: PostgresConfiguration(settings.databaseURL!), logger: logger
        )
        do {
            let applied = try await PostgresMigrator.migrate(migrations, on: connection, logger: logger)
            let latest = migrations.last.map { "\($0.version)" } ?? "none"
            print(applied.isEmpty
                ? "schema up to date (version \(latest))"
                : "applied \(applied.count) migration(s): \(applied.map(String.init).joined(separator: ", ")); now at version \(latest)")
        } catch let error as PostgresError {
            throw CommandFailure(message: "migrate failed: \(error)")
        }
    }
}
