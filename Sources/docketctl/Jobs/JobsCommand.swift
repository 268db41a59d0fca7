import ArgumentParser

/// `docketctl jobs …`: the ledger from the command line.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Jobs in the ledger.", subcommands: [
            JobsListCommand.self, JobsShowCommand.self, JobsRequeueCommand.self, JobsDiscardCommand.self, JobsBackfillCommand.self,
        ]
    )
}
