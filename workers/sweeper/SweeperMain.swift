import ArgumentParser
import BlobStore
import JobQueue
import Sweeping
import WorkerProcess

/// sweeper: the periodic sweeps of DESIGN.md "Sweepers" (orphan upload
/// files, expired pending uploads, stuck documents, ledger retention, quota
/// drift), each once per period across all replicas; it also runs an outbox
/// relay and the reconciler, so jobs flow and Redis is repaired even with
/// no docket-api up. SIGTERM or SIGINT stops it; a run in progress is cut.
@main
struct SweeperMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweeper", abstract: "Run Docket's periodic sweeps, the outbox relay and the reconciler."
    )

    func run() async throws {
        try await WorkerLauncher.runServices(label: "sweeper") { context in
            let blobs: LocalBlobStore
            do {
                blobs = try LocalBlobStore(root: context.settings.blobDirectory)
            } catch {
                WorkerLauncher.exitWithError("sweeper", "DOCKET_BLOB_DIR: \(error)")
            }
            let (postgres, redis, logger, tally) = (context.postgres, context.redis, context.logger, JobTally())
            let sweeps = Sweeps(postgres: postgres, redis: redis, blobs: blobs, timing: context.settings.timing, logger: logger)
            return [
                SweepScheduler(sweeps: sweeps.all, redis: redis, logger: logger),
                OutboxRelay(postgres: postgres, redis: redis, tally: tally, logger: logger),
                Reconciler(postgres: postgres, redis: redis, logger: logger),
                JobTallyFlusher(tally: tally, redis: redis, logger: logger),
            ]
        }
    }
}
