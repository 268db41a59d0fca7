import Logging
import RedisClient
import ServiceLifecycle

/// Adds a process's `JobTally` to the Redis totals every `interval`, and
/// once more when it stops, so a graceful exit loses no count.
public struct JobTallyFlusher: Service {
    private let tally: JobTally
    private let redis: RedisPool
    private let interval: Duration
    private let logger: Logger

    public init(tally: JobTally, redis: RedisPool, interval: Duration = .seconds(2), logger: Logger) {
        self.tally = tally
        self.redis = redis
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await flushPeriodically() }
        await flush()
    }

    /// Flushes every `interval` until cancelled.
    public func flushPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)  // cancelled: the loop ends
            await flush()
        }
    }

    /// Writes what is counted now; a failure keeps the counts for next time.
    public func flush() async {
        let tally = self.tally
        do {
            try await redis.withSession { try JobStats.flush(tally, in: $0) }
        } catch {
            logger.debug("job figures not flushed; kept for the next try", metadata: ["error": "\(error)"])
        }
    }
}
