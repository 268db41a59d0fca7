import ArgumentParser
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
        let migrations = try DocketSchema.migrations()
        let applied = try await DatabaseAccess.run("migrate") { connection, _ in
            try await PostgresMigrator.migrate(migrations, on: connection, logger: Logger(label: "docketctl"))
        }
        let latest = migrations.last.map { "\($0.version)" } ?? "none"
        print(applied.isEmpty
            ? "schema up to date (version \(latest))"
            : "applied \(applied.count) migration(s): \(applied.map(String.init).joined(separator: ", ")); now at version \(latest)")
    }
}
