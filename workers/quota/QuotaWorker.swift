import ArgumentParser
import StorageJobs
import WorkerProcess

/// quota-worker: runs `quota.settle` and `quota.release` (CONTRACT.md §4),
/// each moving a document's bytes in its user's quota exactly once.
@main
struct QuotaWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota-worker", abstract: "Settle and release users' storage quota."
    )

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        try await WorkerLauncher.run(label: "quota-worker", options: options, defaultConcurrency: 16) { context in
            let jobs = StorageJobs.start(context, label: "quota-worker")
            return [jobs.quotaSettle, jobs.quotaRelease]
        }
    }
}
