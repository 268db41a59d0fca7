import ArgumentParser
import DocketStore
import Foundation

/// `docketctl keys create --user NAME --role client|admin [--quota-bytes N]`:
/// prints the new key once; only its hash is kept.
struct KeysCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API key (and its user, if new). The key is shown once."
    )

    @Option(help: "The user the key belongs to; created if there is none by this name.")
    var user: String

    @Option(help: "client (client routes) or admin (admin routes too).")
    var role: APIKeyRole

    @Option(help: "Set the user's storage quota in bytes (default for a new user: DOCKET_DEFAULT_QUOTA_BYTES).")
    var quotaBytes: Int?

    @Flag(help: "Print JSON: {id, user, user_id, role, quota_bytes, key}.")
    var json = false

    func run() async throws {
        let (user, role, quotaBytes) = (self.user, self.role, self.quotaBytes)
        let created = try await DatabaseAccess.run("keys create") { connection, settings in
            try await connection.transaction { session in
                try APIKeys.create(
                    userName: user, role: role, quotaBytes: quotaBytes,
                    defaultQuotaBytes: settings.defaultQuotaBytes, in: session
                )
            }
        }
        if json {
            let object: [String: any Sendable] = [
                "id": created.record.id.uuidString.lowercased(), "user": created.record.userName,
                "user_id": created.record.userID.uuidString.lowercased(), "role": created.record.role.rawValue,
                "quota_bytes": created.quotaBytes, "key": created.secret.text,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("""
                created \(created.record.role.rawValue) key \(created.record.id.uuidString.lowercased()) \
                for user \(created.record.userName) (quota \(created.quotaBytes) bytes)
                \(created.secret.text)
                Store the key now: it is not shown again.
                """)
        }
    }
}
