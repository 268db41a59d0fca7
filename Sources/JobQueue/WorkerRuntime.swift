import DocketCore
import Foundation
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle

/// Runs job handlers: claims from Redis, runs, completes in Postgres, acks.
///
/// A `Service`: on graceful shutdown (SIGTERM through the `ServiceGroup`) it
/// stops claiming, lets running jobs finish within `shutdownGrace`, then
/// hands the rest back to their queue's front.
public struct WorkerRuntime: Service {
    public struct Configuration: Sendable {
        /// Jobs run at once, per kind.
        public var concurrency = 10
        public var lease: Duration = .seconds(15)
        public var shutdownGrace: Duration = .seconds(25)
        /// How long an idle worker blocks on Redis before looking again
        /// (due retries, expired leases).
        public var idleWait: Duration = .seconds(1)
        /// Unique per process: host, pid and a random suffix.
        public var workerID: String

        public init(workerID: String = WorkerRuntime.defaultWorkerID()) {
            self.workerID = workerID
        }
    }

    private let handlers: [JobHandler]
    private let postgres: PostgresPool
    private let redis: RedisPool
    private let configuration: Configuration
    private let logger: Logger

    public init(
        handlers: [JobHandler], postgres: PostgresPool, redis: RedisPool,
        configuration: Configuration = Configuration(), logger: Logger
    ) {
        self.handlers = handlers
        self.postgres = postgres
        self.redis = redis
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "worker.id"] = "\(configuration.workerID)"
        self.logger = logger
    }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for handler in handlers {
                let worker = KindWorker(
                    handler: handler, postgres: postgres, redis: redis, configuration: configuration, logger: logger
                )
                group.addTask { try await worker.run() }
            }
        }
    }

    public static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host):\(getpid()):\(UUID().uuidString.prefix(6).lowercased())"
    }
}
