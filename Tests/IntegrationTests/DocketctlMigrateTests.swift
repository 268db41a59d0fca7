import DocketSchema
import DocketTesting
import Foundation
import Testing

/// `docketctl` as a user runs it: a real process, real Postgres.
@Suite struct DocketctlMigrateTests {
    @Test func migrateAppliesTheSchemaOnceAndSaysSo() async throws {
        let database = try await TestDatabase.create()
        let first = try await ProcessRun.run(BuiltProducts.executable("docketctl"), ["migrate"],
                                       environment: ["DATABASE_URL": database.connectionString])
        #expect(first.status == 0, "\(first.stderr)")
        let latest = try DocketSchema.migrations().last!.version
        #expect(first.stdout.contains("now at version \(latest)"))
        let second = try await ProcessRun.run(BuiltProducts.executable("docketctl"), ["migrate"],
                                        environment: ["DATABASE_URL": database.connectionString])
        #expect(second.status == 0)
        #expect(second.stdout.contains("up to date"))
        try await database.drop()
    }

    @Test(arguments: [
        (["DATABASE_URL": "mysql://nope"], "DATABASE_URL"),
        (["DATABASE_URL": ""], "DATABASE_URL"),
        (["DOCKET_API_PORT": "eighty"], "DOCKET_API_PORT"),
        (["DOCKET_LEASE": "forever"], "DOCKET_LEASE"),
    ])
    func aBadSettingStopsWithOneLineNamingIt(environment: [String: String], variable: String) async throws {
        var settings = ["DATABASE_URL": "postgres://docket@127.0.0.1:1/docket"]
        settings.merge(environment) { $1 }
        let result = try await ProcessRun.run(BuiltProducts.executable("docketctl"), ["migrate"], environment: settings)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.contains(variable) == true)
    }

    @Test func anUnreachableDatabaseIsOneClearLine() async throws {
        let result = try await ProcessRun.run(BuiltProducts.executable("docketctl"), ["migrate"],
                                        environment: ["DATABASE_URL": "postgres://docket@127.0.0.1:1/docket"])
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("connection_failed"))
    }
}
