import ArgumentParser
import DocketCore
import JobQueue
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle

/// `docket-bench worker`: a worker process for the test kinds, as the
/// benchmarks and the crash tests (kill -9, SIGTERM) run it.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run a worker for the test kinds noop, sleep and fail until SIGTERM."
    )

    @Option(help: "Comma-separated kinds: noop, sleep, fail.") var kinds = "noop,sleep,fail"
    @Option(help: "Jobs run at once, per kind.") var concurrency = 10
    @Option(help: "Most jobs taken per claim.") var claimBatch = 100

    func run() async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: [.database, .redis])
        var logger = Logger(label: "docket.bench.worker")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        let handlers = try kinds.split(separator: ",").map { name in
            guard let handler = TestKinds.handler(for: JobKind(String(name))) else {
                throw ValidationError("unknown kind '\(name)': expected noop, sleep or fail")
            }
            return handler
        }
        let postgres = PostgresPool(configuration: PostgresConfiguration(settings.databaseURL!), logger: logger)
        let redis = RedisPool(configuration: try RedisConfiguration(url: settings.redisURL!), logger: logger)
        var runtimeConfiguration = WorkerRuntime.Configuration()
        runtimeConfiguration.concurrency = concurrency
        runtimeConfiguration.claimBatch = claimBatch
        runtimeConfiguration.lease = settings.timing.lease
        runtimeConfiguration.shutdownGrace = settings.timing.shutdownGrace
        let runtime = WorkerRuntime(
            handlers: handlers, postgres: postgres, redis: redis, configuration: runtimeConfiguration, logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: runtime)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        try await group.run()
    }
}
