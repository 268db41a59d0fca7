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
        /// Most jobs taken per claim. Smaller than `concurrency`, the next
        /// claim and load overlap with the running jobs' completion.
        public var claimBatch = 100
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
    /// What this runtime counted, flushed to `JobStats` every few seconds.
    public let tally = JobTally()

    /// The kinds this runtime runs.
    public var kinds: [JobKind] { handlers.map(\.kind) }

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
        let workers = handlers.map { handler in
            KindWorker(
                handler: handler, postgres: postgres, redis: redis, configuration: configuration, tally: tally, logger: logger
            )
        }
        let flusher = JobTallyFlusher(tally: tally, redis: redis, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { outer in
            outer.addTask { await flusher.flushPeriodically() }
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await register(workers) }
                for worker in workers {
                    group.addTask { try await worker.run() }
                }
            }
            outer.cancelAll()
        }
        await flusher.flush()
    }

    /// Keeps this process's entry in the worker registry fresh while any of
    /// its kind workers runs, and removes it when all have stopped.
    private func register(_ workers: [KindWorker]) async {
        let (id, redis, concurrency, lease) = (configuration.workerID, redis, configuration.concurrency, configuration.lease)
        let kinds = handlers.map(\.kind.rawValue)
        while !workers.allSatisfy(\.isFinished) {
            let running = workers.flatMap { $0.running.all }
            do {
                try await redis.withSession { session in
                    try WorkerRegistry.beat(
                        workerID: id, kinds: kinds, concurrency: concurrency, running: running, ttl: lease, in: session
                    )
                }
            } catch {
                logger.warning("worker registry heartbeat failed", metadata: ["error": "\(error)"])
            }
            for _ in 0..<10 where !workers.allSatisfy(\.isFinished) {
                try? await Task.sleep(for: lease / 30)  // cancelled: the loop checks again
            }
        }
        do {
            try await redis.withSession { try WorkerRegistry.remove(workerID: id, in: $0) }
        } catch {
            logger.info("could not remove the registry entry; it expires", metadata: ["error": "\(error)"])
        }
    }

    public static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host):\(getpid()):\(UUID().uuidString.prefix(6).lowercased())"
    }
}
