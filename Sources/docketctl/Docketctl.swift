import ArgumentParser

/// Docket's admin CLI. Commands that talk to Postgres read `DATABASE_URL`.
@main
struct Docketctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docketctl",
        abstract: "Administer Docket: schema, keys, queues, jobs and workers.",
        subcommands: [MigrateCommand.self, KeysCommand.self, JobsCommand.self, QueuesCommand.self, WorkersCommand.self]
    )
}
