import DocketTesting
import Foundation
import PostgresClient
import Testing

@Suite struct PostgresMigratorTests {
    /// Each migration appends a row to `log` and sleeps, to widen the window
    /// in which two migrators could race.
    func migrations() -> [PostgresMigration] {
        [
            PostgresMigration(version: 1, name: "log", sql: "CREATE TABLE log (version int, at timestamptz DEFAULT now()); INSERT INTO log (version) VALUES (1); SELECT pg_sleep(0.2)"),
            PostgresMigration(version: 2, name: "second", sql: "INSERT INTO log (version) VALUES (2); SELECT pg_sleep(0.2)"),
            PostgresMigration(version: 3, name: "third", sql: "CREATE TABLE third (id int); INSERT INTO log (version) VALUES (3)"),
        ]
    }

    @Test func concurrentMigratorsApplyEachFileOnce() async throws {
        let database = try await TestDatabase.create()
        let first = PostgresConnection(configuration: database.configuration)
        let second = PostgresConnection(configuration: database.configuration)
        async let a = PostgresMigrator.migrate(migrations(), on: first)
        async let b = PostgresMigrator.migrate(migrations(), on: second)
        let (appliedA, appliedB) = try await (a, b)
        #expect((appliedA + appliedB).sorted() == [1, 2, 3])
        let log = try await first.query("SELECT version FROM log ORDER BY version").map { try $0.decode(0, as: Int.self) }
        #expect(log == [1, 2, 3])
        let recorded = try await first.query("SELECT version FROM schema_migrations ORDER BY version")
            .map { try $0.decode(0, as: Int.self) }
        #expect(recorded == [1, 2, 3])
        await first.close()
        await second.close()
        try await database.drop()
    }

    @Test func aFailingMigrationLeavesNothingHalfDone() async throws {
        let database = try await TestDatabase.create()
        let connection = PostgresConnection(configuration: database.configuration)
        var broken = migrations()
        broken[1] = PostgresMigration(version: 2, name: "broken", sql: "INSERT INTO log (version) VALUES (2); SELEC oops")
        let error = await #expect(throws: PostgresError.self) { try await PostgresMigrator.migrate(broken, on: connection) }
        #expect(error?.code == .migration)
        #expect(error?.message.contains("2_broken") == true)
        let log = try await connection.query("SELECT version FROM log").map { try $0.decode(0, as: Int.self) }
        #expect(log == [1])
        // Fixed, it resumes where it stopped.
        #expect(try await PostgresMigrator.migrate(migrations(), on: connection) == [2, 3])
        #expect(try await PostgresMigrator.migrate(migrations(), on: connection) == [])
        await connection.close()
        try await database.drop()
    }

    @Test func filesAreLoadedInOrderAndBadNamesRejected() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 2".write(to: directory.appendingPathComponent("0002_second.sql"), atomically: true, encoding: .utf8)
        try "SELECT 1".write(to: directory.appendingPathComponent("0001_first.sql"), atomically: true, encoding: .utf8)
        try "ignored".write(to: directory.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let loaded = try PostgresMigration.load(from: directory)
        #expect(loaded.map(\.version) == [1, 2])
        #expect(loaded.map(\.name) == ["first", "second"])

        try "SELECT 3".write(to: directory.appendingPathComponent("third.sql"), atomically: true, encoding: .utf8)
        #expect(throws: PostgresError.self) { try PostgresMigration.load(from: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("third.sql"))
        try "SELECT 2".write(to: directory.appendingPathComponent("0002_again.sql"), atomically: true, encoding: .utf8)
        #expect(throws: PostgresError.self) { try PostgresMigration.load(from: directory) }
    }
}
