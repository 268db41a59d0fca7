import ArgumentParser
import DocketStore

/// `docketctl keys …`: API keys, straight in Postgres (no API needed, so
/// the first admin key can be made before anything runs).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create, list and revoke API keys.",
        subcommands: [KeysCreateCommand.self, KeysListCommand.self, KeysRevokeCommand.self]
    )
}

extension APIKeyRole: ExpressibleByArgument {}
