import ArgumentParser
import DocketStore
import Foundation

/// `docketctl keys revoke ID`: the key stops working at once.
struct KeysRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API key by id.")

    @Argument(help: "The key's id, as `keys list` shows it.")
    var id: String

    func run() async throws {
        guard let id = UUID(uuidString: self.id) else {
            throw CommandFailure(message: "keys revoke failed: \(self.id) is not a key id (a UUID)")
        }
        let outcome = try await DatabaseAccess.run("keys revoke") { connection, _ in
            try await connection.transaction { try APIKeys.revoke(id: id, in: $0) }
        }
        let name = id.uuidString.lowercased()
        print(outcome == .revoked ? "revoked key \(name)" : "key \(name) was already revoked")
    }
}
