import ArgumentParser
import DocketCore
import Foundation
import Logging
import PostgresClient
import RedisClient

/// `docket-bench queue-enqueue`: the `CUSTOM_ENQUEUE` hook of
/// ../shared/bench/peers/run.sh. Reads `N_SINGLE` and `N_BULK`, enqueues
/// through the ledger, returns once Redis holds every job (the driver checks
/// that next) and prints the driver's `ENQUEUE` line. The bulk time is until
/// the last batch committed, what an enqueuing caller waits for; the time
/// until Redis held them all is printed beside it.
struct EnqueueHookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue-enqueue", abstract: "Enqueue N_SINGLE + N_BULK no-op jobs (peers' CUSTOM_ENQUEUE hook)."
    )

    func run() async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: [.database, .redis])
        let environment = ProcessInfo.processInfo.environment
        guard let single = environment["N_SINGLE"].flatMap(Int.init), let bulk = environment["N_BULK"].flatMap(Int.init) else {
            throw ValidationError("N_SINGLE and N_BULK must be set to job counts")
        }
        var logger = Logger(label: "docket.bench.enqueue")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        try await NoopEnqueuer.migrate(settings.databaseURL!, logger: logger)
        let postgres = PostgresPool(configuration: PostgresConfiguration(settings.databaseURL!), logger: logger)
        let redis = RedisPool(configuration: try RedisConfiguration(url: settings.redisURL!), logger: logger)
        _ = try await redis.send("PING")
        let timings = try await NoopEnqueuer(postgres: postgres, redis: redis, logger: logger).run(single: single, bulk: bulk)
        print(
            "ENQUEUE single_n=\(single) single_s=\(timings.singleSeconds) bulk_n=\(bulk) bulk_s=\(timings.bulkSeconds)",
            "bulk_mode=ledger_insert1000 bulk_published_s=\(timings.bulkPublishedSeconds)"
        )
        await postgres.shutdown()
        await redis.shutdown()
    }
}
