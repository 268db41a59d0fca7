import ArgumentParser
import BlobStore
import DocketCore
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle
import Sweeping

/// sweeper: the periodic sweeps of DESIGN.md "Sweepers" (orphan upload
/// files, expired pending uploads, stuck documents, ledger retention), each
/// once per period across all replicas; it also runs an outbox relay and
/// the reconciler, so jobs flow and Redis is repaired even with no
/// docket-api up. SIGTERM or SIGINT stops it; a run in progress is cut.
@main
struct SweeperMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweeper", abstract: "Run Docket's periodic sweeps, the outbox relay and the reconciler."
    )

    func run() async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: [.database, .redis])
        var logger = Logger(label: "sweeper")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        let blobs: LocalBlobStore
        let redisConfiguration: RedisConfiguration
        do {
            blobs = try LocalBlobStore(root: settings.blobDirectory)
            redisConfiguration = try RedisConfiguration(url: settings.redisURL!)
        } catch {
            FileHandle.standardError.write(Data("sweeper: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let postgres = PostgresPool(configuration: PostgresConfiguration(settings.databaseURL!), logger: logger)
        let redis = RedisPool(configuration: redisConfiguration, logger: logger)
        let tally = JobTally()
        let sweeps = Sweeps(postgres: postgres, redis: redis, blobs: blobs, timing: settings.timing, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: SweepScheduler(sweeps: sweeps.all, redis: redis, logger: logger)),
                .init(service: OutboxRelay(postgres: postgres, redis: redis, tally: tally, logger: logger)),
                .init(service: Reconciler(postgres: postgres, redis: redis, logger: logger)),
                .init(service: JobTallyFlusher(tally: tally, redis: redis, logger: logger)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        await postgres.shutdown()
    }
}
