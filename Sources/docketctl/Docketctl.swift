import ArgumentParser
import Foundation

/// Docket's admin CLI. `migrate`, `keys` and `jobs backfill` talk to Postgres
/// (`DATABASE_URL`); the rest to docket-api (`DOCKET_API_URL`).
@main
struct Docketctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docketctl",
        abstract: "Administer Docket: schema, keys, queues, jobs, workers, uploads.",
        subcommands: [
            MigrateCommand.self, KeysCommand.self, QueuesCommand.self, JobsCommand.self, WorkersCommand.self,
            UploadCommand.self, DemoCommand.self,
        ]
    )

    /// Every failure is one line on stderr (`docketctl: …`) and a non-zero
    /// status: a mistyped flag too, without the usage block ArgumentParser
    /// adds (`--help` has it). Help itself goes to stdout with status 0.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let status = exitCode(for: error)
            if status == .success {
                print(fullMessage(for: error))
            } else {
                let line = message(for: error).split(separator: "\n").first.map(String.init) ?? ""
                if !line.isEmpty { FileHandle.standardError.write(Data("docketctl: \(line)\n".utf8)) }
            }
            Foundation.exit(status.rawValue)
        }
    }
}
