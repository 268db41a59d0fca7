import DocketStore
import DocketTesting
import Foundation
import PostgresClient
import Testing

/// `docketctl keys` as an operator runs it: a real process, real Postgres.
@Suite struct DocketctlKeysTests {
    func docketctl(_ arguments: [String], _ database: TestDatabase) async throws -> ProcessRun {
        try await ProcessRun.run(
            try BuiltProducts.executable("docketctl"), arguments,
            environment: ["DATABASE_URL": database.connectionString, "DOCKET_DEFAULT_QUOTA_BYTES": "2048"]
        )
    }

    @Test func createListRevoke() async throws {
        let database = try await TestDatabase.createMigrated()
        let created = try await docketctl(["keys", "create", "--user", "ops", "--role", "admin", "--json"], database)
        #expect(created.status == 0, "\(created.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        let key = try #require(object["key"] as? String)
        let id = try #require(object["id"] as? String)
        #expect(object["role"] as? String == "admin")
        #expect(object["quota_bytes"] as? Int == 2048)

        // The printed key is one the API will accept.
        let postgres = PostgresPool(configuration: database.configuration)
        let principal = try await postgres.withSession { try APIKeys.authenticate(APIKeySecret(text: key), in: $0) }
        #expect(principal?.userName == "ops")
        #expect(principal?.role == .admin)

        let human = try await docketctl(["keys", "create", "--user", "app", "--role", "client", "--quota-bytes", "999"], database)
        #expect(human.status == 0)
        #expect(human.stdout.contains("created client key"))
        #expect(human.stdout.contains("quota 999 bytes"))
        #expect(human.stdout.split(separator: "\n").contains { $0.hasPrefix("dk_") })

        let list = try await docketctl(["keys", "list"], database)
        #expect(list.status == 0)
        #expect(list.stdout.contains(id))
        #expect(list.stdout.contains("ops") && list.stdout.contains("app"))
        #expect(!list.stdout.contains(key))

        let revoked = try await docketctl(["keys", "revoke", id], database)
        #expect(revoked.stdout.contains("revoked key \(id)"))
        #expect(try await postgres.withSession { try APIKeys.authenticate(APIKeySecret(text: key), in: $0) } == nil)
        let again = try await docketctl(["keys", "revoke", id], database)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already revoked"))

        let json = try await docketctl(["keys", "list", "--json"], database)
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(keys.count == 2)
        #expect(keys.first { $0["id"] as? String == id }?["revoked_at"] is String)
        #expect(keys.first { $0["id"] as? String != id }?["revoked_at"] is NSNull)
        await postgres.shutdown()
        try await database.drop()
    }

    @Test(arguments: [
        (["keys", "revoke", "not-a-uuid"], "not a key id"),
        (["keys", "revoke", "00000000-0000-7000-8000-000000000000"], "no API key has id"),
        (["keys", "create", "--user", "", "--role", "client"], "user name"),
        (["keys", "create", "--user", "x", "--role", "client", "--quota-bytes=-1"], "quota"),
    ])
    func aMistakeIsOneClearLine(arguments: [String], message: String) async throws {
        let database = try await TestDatabase.createMigrated()
        let result = try await docketctl(arguments, database)
        #expect(result.status != 0)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        try await database.drop()
    }
}
