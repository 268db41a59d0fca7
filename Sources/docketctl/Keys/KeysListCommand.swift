import ArgumentParser
import DocketStore
import Foundation

/// `docketctl keys list`: every key with its user and role; never a secret.
struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List API keys (never their secrets).")

    @Flag(help: "Print a JSON array.")
    var json = false

    func run() async throws {
        let keys = try await DatabaseAccess.run("keys list") { connection, _ in
            try await connection.withSession { try APIKeys.list(in: $0) }
        }
        if json {
            let objects: [[String: Any]] = keys.map { key in
                [
                    "id": key.id.uuidString.lowercased(), "user": key.userName,
                    "user_id": key.userID.uuidString.lowercased(), "role": key.role.rawValue,
                    "created_at": key.createdAt.formatted(.iso8601),
                    "revoked_at": key.revokedAt.map { $0.formatted(.iso8601) as Any } ?? NSNull(),
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        var table = TextTable("ID", "USER", "ROLE", "CREATED", "REVOKED")
        for key in keys {
            table.append(
                key.id.uuidString.lowercased(), key.userName, key.role.rawValue,
                key.createdAt.formatted(.iso8601), key.revokedAt?.formatted(.iso8601) ?? "-"
            )
        }
        print(table.rendered)
    }
}
