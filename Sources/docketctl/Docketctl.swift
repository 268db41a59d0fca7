import ArgumentParser

/// Docket's admin CLI. `migrate`, `keys` and `jobs backfill` talk to Postgres
/// (`DATABASE_URL`); the rest to docket-api (`DOCKET_API_URL`).
@main
struct Docketctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docketctl",
        abstract: "Administer Docket: schema, keys, queues, jobs and workers.",
        subcommands: [
            MigrateCommand.self, KeysCommand.self, QueuesCommand.self, JobsCommand.self, WorkersCommand.self,
            UploadCommand.self, DemoCommand.self,
        ]
    )
}
