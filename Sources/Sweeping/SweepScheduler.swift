import DocketCore
import Foundation
import JobQueue
import Logging
import RedisClient
import ServiceLifecycle

/// Runs sweeps on their schedules, each once per period across every
/// sweeper replica: before a run, a replica takes the sweep's Redis lock
/// (`SET docket:sweep:<name> <owner> NX PX <period>`), which is left to
/// expire with the period rather than released, so a second replica
/// ticking later in the same period finds it taken. A run is cut at its
/// deadline; a failure (Redis or Postgres away, a deadline) is logged and
/// counted as `error`, and the next tick tries again: nothing ends the
/// process but a shutdown.
public struct SweepScheduler: Service {
    private let sweeps: [Sweep]
    private let redis: RedisPool
    private let logger: Logger
    private let owner: String

    public init(sweeps: [Sweep], redis: RedisPool, logger: Logger, owner: String = "\(ProcessInfo.processInfo.hostName):\(getpid())") {
        self.sweeps = sweeps
        self.redis = redis
        self.logger = logger
        self.owner = owner
    }

    public func run() async throws {
        // Ends at graceful shutdown: each loop's sleep (or run) is cancelled.
        try await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for sweep in sweeps {
                    group.addTask { await self.schedule(sweep) }
                }
            }
        }
    }

    private func schedule(_ sweep: Sweep) async {
        if sweep.atStart { _ = await tick(sweep) }
        while !Task.isCancelled {
            do { try await Task.sleep(for: sweep.every) } catch { return }
            _ = await tick(sweep)
        }
    }

    /// One period's chance to run `sweep`: nil when another replica has it.
    @discardableResult
    public func tick(_ sweep: Sweep) async -> [String: Int]? {
        let (key, owner, period) = ("docket:sweep:\(sweep.name)", owner, sweep.every)
        do {
            let taken = try await redis.withSession { session in
                try session.send("SET", key, owner, "NX", "PX", String(Int(period.seconds * 1000))) == .status("OK")
            }
            guard taken else { return nil }
        } catch {
            logger.warning("sweep skipped: no lock", metadata: ["sweep.name": "\(sweep.name)", "error": "\(error)"])
            await record(sweep, ["error": 1])
            return ["error": 1]
        }
        let counts: [String: Int]
        do {
            counts = try await Self.withDeadline(sweep.deadline, sweep.run)
            logger.info("sweep done", metadata: [
                "sweep.name": "\(sweep.name)", "sweep.counts": "\(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
            ])
        } catch {
            logger.warning("sweep failed; the next period tries again", metadata: ["sweep.name": "\(sweep.name)", "error": "\(error)"])
            counts = ["error": 1]
        }
        await record(sweep, counts)
        return counts
    }

    /// Adds a run's counts to the cluster's totals (`docket:stats:sweeps`),
    /// which docket-api serves as `docket_sweeper_removed_total`.
    private func record(_ sweep: Sweep, _ counts: [String: Int]) async {
        let commands = counts.filter { $0.value > 0 }.map {
            RedisCommand("HINCRBY", SweepStats.key, SweepStats.field(sweeper: sweep.name, outcome: $0.key), $0.value)
        }
        guard !commands.isEmpty else { return }
        do {
            _ = try await redis.withSession { try $0.pipeline(commands) }
        } catch {
            logger.info("sweep counts not recorded", metadata: ["sweep.name": "\(sweep.name)", "error": "\(error)"])
        }
    }

    struct DeadlinePassed: Error, CustomStringConvertible {
        let deadline: Duration
        var description: String { "the sweep ran past its deadline of \(deadline)" }
    }

    static func withDeadline<R: Sendable>(_ deadline: Duration, _ body: @escaping @Sendable () async throws -> R) async throws -> R {
        try await withThrowingTaskGroup(of: R.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: deadline)
                throw DeadlinePassed(deadline: deadline)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
