import DocketSchema
import Foundation
import PostgresClient

/// A database of its own for one test, created on the shared test server,
/// so tests that run in parallel never see each other's tables.
public struct TestDatabase: Sendable {
    public let name: String
    public let connectionString: String

    public var configuration: PostgresConfiguration { PostgresConfiguration(connectionString) }

    /// Creates an empty database named after a fresh id.
    public static func create() async throws -> TestDatabase {
        let serverURL = try TestEnvironment.databaseURL()
        let name = "docket_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = PostgresConnection(configuration: PostgresConfiguration(serverURL))
        try await admin.withSession { try $0.executeScript("CREATE DATABASE \(name)") }
        await admin.close()
        return TestDatabase(name: name, connectionString: try replacingDatabase(in: serverURL, with: name))
    }

    /// Creates a database with Docket's whole schema applied.
    public static func createMigrated() async throws -> TestDatabase {
        let database = try await create()
        let connection = PostgresConnection(configuration: database.configuration)
        try await PostgresMigrator.migrate(try DocketSchema.migrations(), on: connection)
        await connection.close()
        return database
    }

    /// Runs `body` with a connection to a fresh empty database, then closes
    /// it and drops the database, also when `body` throws.
    public static func withConnection(_ body: (PostgresConnection) async throws -> Void) async throws {
        let database = try await create()
        let connection = try await PostgresConnection.connect(configuration: database.configuration)
        let outcome: Result<Void, any Error>
        do { outcome = .success(try await body(connection)) } catch { outcome = .failure(error) }
        await connection.close()
        try await database.drop()
        try outcome.get()
    }

    /// Drops the database, first ending any session still connected to it.
    public func drop() async throws {
        let admin = PostgresConnection(configuration: PostgresConfiguration(try TestEnvironment.databaseURL()))
        try await admin.withSession { try $0.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        await admin.close()
    }

    static func replacingDatabase(in url: String, with database: String) throws -> String {
        guard var components = URLComponents(string: url) else { throw TestEnvironment.Missing(variable: "DATABASE_URL") }
        components.path = "/" + database
        return components.string!
    }
}
