import DocketCore
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle

/// What a worker's handlers are built from.
public struct WorkerContext: Sendable {
    public let settings: DocketConfiguration
    public let postgres: PostgresPool
    public let redis: RedisPool
    public let logger: Logger
}

/// The body of every worker executable: settings from the environment (one
/// clear line and exit 2 when one is bad), pools, the handlers, and a
/// `WorkerRuntime` under a service group that SIGTERM or SIGINT stops
/// gracefully (running jobs finish within `DOCKET_SHUTDOWN_GRACE`).
public enum WorkerLauncher {
    public static func run(
        label: String, options: WorkerOptions, defaultConcurrency: Int = 10,
        handlers: (WorkerContext) async throws -> [JobHandler]
    ) async throws {
        try await runServices(label: label) { context in
            var configuration = WorkerRuntime.Configuration()
            configuration.concurrency = options.concurrency ?? defaultConcurrency
            configuration.claimBatch = options.claimBatch
            configuration.lease = context.settings.timing.lease
            configuration.shutdownGrace = context.settings.timing.shutdownGrace
            let runtime = WorkerRuntime(
                handlers: try await handlers(context), postgres: context.postgres, redis: context.redis,
                configuration: configuration, logger: context.logger
            )
            context.logger.notice("worker started", metadata: [
                "worker.id": "\(configuration.workerID)", "worker.kinds": "\(runtime.kinds.map(\.rawValue).joined(separator: ","))",
                "worker.concurrency": "\(configuration.concurrency)",
            ])
            return [runtime]
        }
    }

    /// The same start for a process of other services (the sweeper): its
    /// services run under one group until SIGTERM or SIGINT.
    public static func runServices(label: String, _ services: (WorkerContext) async throws -> [any Service]) async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: [.database, .redis])
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        let redisConfiguration: RedisConfiguration
        do {
            redisConfiguration = try RedisConfiguration(url: settings.redisURL!)
        } catch {
            exitWithError(label, "REDIS_URL: \(error)")
        }
        let postgres = PostgresPool(configuration: PostgresConfiguration(settings.databaseURL!), logger: logger)
        let redis = RedisPool(configuration: redisConfiguration, logger: logger)
        let context = WorkerContext(settings: settings, postgres: postgres, redis: redis, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: try await services(context).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        try await group.run()
        await postgres.shutdown()
    }

    /// One line on stderr naming what is wrong, then exit 2.
    public static func exitWithError(_ label: String, _ message: String) -> Never {
        FileHandle.standardError.write(Data("\(label): \(message)\n".utf8))
        exit(2)
    }
}
