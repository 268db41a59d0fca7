import DocketSchema
import DocketTesting
import Foundation
import PostgresClient
import Testing

/// The docket-api executable as an operator runs it.
@Suite struct DocketAPIProcessTests {
    @Test func startsServesAndStopsCleanlyOnSIGTERM() async throws {
        let database = try await TestDatabase.createMigrated()
        let port = try FreePort.make()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("docket-api-\(UUID())").path
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.connectionString
        environment["DOCKET_API_PORT"] = String(port)
        environment["DOCKET_DATA_DIR"] = data
        let api = try ChildProcess.spawn([try BuiltProducts.executable("docket-api").path], environment: environment)
        let client = HTTPTestClient(port: port)
        let deadline = ContinuousClock.now + .seconds(30)
        var ready: HTTPTestResponse?
        while ContinuousClock.now < deadline {
            if let answer = try? await client.send("GET", "/health/ready"), answer.status == 200 { ready = answer; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ready?.status == 200)
        // No DOCKET_SIGNING_KEY: the key file was made in the data dir, private.
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/signing.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        api.send(SIGTERM)
        #expect(await api.exitStatus() == 0)
        try? FileManager.default.removeItem(atPath: data)
        try await database.drop()
    }

    @Test func aBadSettingStopsItWithOneLine() async throws {
        let result = try await ProcessRun.run(
            try BuiltProducts.executable("docket-api"), [],
            environment: ["DATABASE_URL": "postgres://docket@127.0.0.1:1/docket", "REDIS_URL": "redis://127.0.0.1:1/0",
                          "DOCKET_SIGNING_KEY": "short"]
        )
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("DOCKET_SIGNING_KEY"))
    }
}
