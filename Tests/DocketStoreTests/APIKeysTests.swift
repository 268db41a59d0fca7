import DocketCore
import DocketStore
import DocketTesting
import Foundation
import PostgresClient
import Testing

/// Users and API keys on a real Postgres.
@Suite struct APIKeysTests {
    @Test func aKeyAuthenticatesAsItsUserUntilRevoked() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let created = try await postgres.transaction {
            try APIKeys.create(userName: "alice", role: .admin, quotaBytes: nil, defaultQuotaBytes: 5000, in: $0)
        }
        #expect(created.quotaBytes == 5000)
        #expect(created.secret.text.hasPrefix("dk_"))
        let principal = try await postgres.withSession { try APIKeys.authenticate(created.secret, in: $0) }
        #expect(principal?.keyID == created.record.id)
        #expect(principal?.userID == created.record.userID)
        #expect(principal?.userName == "alice")
        #expect(principal?.role == .admin)
        // Only the hash is stored.
        let stored = try await postgres.query("SELECT count(*) FROM api_keys WHERE key_sha256 = $1", Data(created.secret.text.utf8))
        #expect(try stored.scalar(Int.self) == 0)

        #expect(try await postgres.transaction { try APIKeys.revoke(id: created.record.id, in: $0) } == .revoked)
        #expect(try await postgres.withSession { try APIKeys.authenticate(created.secret, in: $0) } == nil)
        #expect(try await postgres.transaction { try APIKeys.revoke(id: created.record.id, in: $0) } == .wasAlreadyRevoked)
        await postgres.shutdown()
        try await database.drop()
    }

    @Test func unknownKeysAndIdsAreRefused() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        _ = try await postgres.transaction {
            try APIKeys.create(userName: "bob", role: .client, quotaBytes: 10, defaultQuotaBytes: 5000, in: $0)
        }
        for text in ["", "dk_", "dk_" + String(repeating: "A", count: 43), "Bearer x", String(repeating: "d", count: 500)] {
            #expect(try await postgres.withSession { try APIKeys.authenticate(APIKeySecret(text: text), in: $0) } == nil)
        }
        let error = await #expect(throws: DocketError.self) {
            try await postgres.transaction { try APIKeys.revoke(id: UUID(), in: $0) }
        }
        #expect(error?.code == .notFound)
        await postgres.shutdown()
        try await database.drop()
    }

    /// A second key for a known user reuses the user; `--quota-bytes` updates its quota, and leaving it out keeps it.
    @Test func aSecondKeyJoinsTheSameUser() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let first = try await postgres.transaction {
            try APIKeys.create(userName: "carol", role: .client, quotaBytes: 100, defaultQuotaBytes: 5000, in: $0)
        }
        let second = try await postgres.transaction {
            try APIKeys.create(userName: "carol", role: .admin, quotaBytes: nil, defaultQuotaBytes: 5000, in: $0)
        }
        #expect(second.record.userID == first.record.userID)
        #expect(second.quotaBytes == 100)
        let third = try await postgres.transaction {
            try APIKeys.create(userName: "carol", role: .client, quotaBytes: 7, defaultQuotaBytes: 5000, in: $0)
        }
        #expect(third.quotaBytes == 7)
        let keys = try await postgres.withSession { try APIKeys.list(in: $0) }
        #expect(keys.map(\.id) == [first, second, third].map(\.record.id))
        #expect(Set(keys.map(\.userName)) == ["carol"])
        await postgres.shutdown()
        try await database.drop()
    }

    @Test(arguments: ["", String(repeating: "x", count: 101), "tab\there"])
    func aBadUserNameIsInvalidInput(name: String) async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let error = await #expect(throws: DocketError.self) {
            try await postgres.transaction {
                try APIKeys.create(userName: name, role: .client, quotaBytes: nil, defaultQuotaBytes: 1, in: $0)
            }
        }
        #expect(error?.code == .invalidInput)
        #expect(try await postgres.query("SELECT count(*) FROM users").scalar(Int.self) == 0)
        await postgres.shutdown()
        try await database.drop()
    }
}
