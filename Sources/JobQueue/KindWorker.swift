import DocketCore
import Foundation
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle
import Synchronization

/// One kind's share of a `WorkerRuntime`: the claim loop, the heartbeat,
/// and the jobs in flight.
final class KindWorker: Sendable {
    let handler: JobHandler
    let postgres: PostgresPool
    let redis: RedisPool
    let configuration: WorkerRuntime.Configuration
    let logger: Logger
    let dispatch: RedisDispatch
    let running = RunningJobs()
    /// Jobs whose handler a shutdown interrupted: handed back at the end.
    let interrupted = RunningJobs()
    let successes: SuccessRecorder
    let tally: JobTally
    /// Signalled when a job ends or shutdown begins.
    let changed = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    init(handler: JobHandler, postgres: PostgresPool, redis: RedisPool,
         configuration: WorkerRuntime.Configuration, tally: JobTally, logger: Logger) {
        self.handler = handler
        self.tally = tally
        self.postgres = postgres
        self.redis = redis
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "job.kind"] = "\(handler.kind)"
        self.logger = logger
        self.dispatch = RedisDispatch(kind: handler.kind)
        self.successes = SuccessRecorder(
            postgres: postgres, redis: redis, dispatch: dispatch, worker: configuration.workerID
        )
    }

    var isStopping: Bool { stopping.load(ordering: .relaxed) }
    /// True once `run` has returned: no job of this kind is held any more.
    var isFinished: Bool { finished.load(ordering: .relaxed) }
    var owner: String { configuration.workerID }

    func run() async throws {
        let blocking = RedisConnection(
            configuration: redis.configuration.forBlockingCommands(upTo: configuration.idleWait), logger: logger
        )
        await withDiscardingTaskGroup { outer in
            outer.addTask { await self.successes.run() }
            // Every job task has returned when this group ends: finished and
            // recorded, or interrupted by the shutdown.
            await withDiscardingTaskGroup { group in
                group.addTask { await self.heartbeat() }
                await withGracefulShutdownHandler {
                    await claimLoop(group: &group, blocking: blocking)
                } onGracefulShutdown: {
                    self.stopping.store(true, ordering: .relaxed)
                    self.changed.signal()
                }
                await drain(group: &group)
            }
            await handBack(interrupted.all)
            successes.close()
        }
        await blocking.close()
        finished.store(true, ordering: .relaxed)
    }

    /// Claims while there are free slots, blocking on Redis when idle.
    private func claimLoop(group: inout DiscardingTaskGroup, blocking: RedisConnection) async {
        var failures = 0
        while !isStopping && !Task.isCancelled {
            let free = configuration.concurrency - running.count
            if free <= 0 {
                await changed.wait(timeout: configuration.idleWait)
                continue
            }
            do {
                let claimed = try await claim(max: min(free, configuration.claimBatch), blocking: blocking)
                failures = 0
                try await start(claimed, in: &group)
            } catch {
                failures += 1
                logger.warning("claiming failed; backing off", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(2000, 50 << min(failures, 6))))  // cancelled: the loop ends
            }
        }
    }

    private func claim(max: Int, blocking: RedisConnection) async throws -> [ClaimedJob] {
        let (dispatch, owner, lease) = (self.dispatch, self.owner, configuration.lease)
        let claimed = try await redis.withSession { try dispatch.claim(owner: owner, max: max, lease: lease, in: $0) }
        if !claimed.isEmpty { return claimed }
        let wait = configuration.idleWait
        _ = try await blocking.withSession { try dispatch.waitForReady(owner: owner, timeout: wait, in: $0) }
        return []
    }

    /// Starts the claimed jobs the ledger says may run; a job it refuses
    /// (finished already: a redelivery) is acked unrun.
    private func start(_ claimed: [ClaimedJob], in group: inout DiscardingTaskGroup) async throws {
        guard !claimed.isEmpty else { return }
        let rows = try await postgres.withSession { try JobLedger.load(claimed, in: $0) }
        var refused: [ClaimedJob] = []
        let now = Date()
        for job in claimed {
            guard let row = rows[job.id] else {
                refused.append(job)
                continue
            }
            let started = RunningJob(job, startedAt: now)
            running.insert(started)
            group.addTask { await self.execute(started, row) }
        }
        if !refused.isEmpty {
            let (dispatch, done) = (self.dispatch, refused)
            try await redis.withSession { try dispatch.finish(done, in: $0) }
        }
    }

    /// Waits for running jobs up to the grace period, then interrupts the rest.
    private func drain(group: inout DiscardingTaskGroup) async {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.shutdownGrace
        while running.count > 0 && clock.now < deadline {
            await changed.wait(timeout: min(.milliseconds(100), deadline - clock.now))
        }
        group.cancelAll()
    }

    /// Hands interrupted jobs back: their attempts given back in the ledger,
    /// then the jobs to the front of their queue.
    private func handBack(_ jobs: [ClaimedJob]) async {
        guard !jobs.isEmpty else { return }
        do {
            try await postgres.withSession { try JobLedger.release(jobs, in: $0) }
        } catch {
            // The attempt stays counted; the job still runs again.
            logger.warning("could not give the attempts back", metadata: ["error": "\(error)"])
        }
        let dispatch = self.dispatch
        do {
            let released = try await redis.withSession { try dispatch.release(jobs, in: $0) }
            logger.info("handed jobs back at shutdown", metadata: ["jobs.released": "\(released)"])
        } catch {
            // Their leases expire and the jobs return to ready anyway.
            logger.warning("could not hand jobs back; their leases will expire", metadata: ["error": "\(error)"])
        }
    }

    /// Extends the leases of running jobs a few times per lease period, and
    /// shows jobs running for over a second as `running` in the ledger.
    private func heartbeat() async {
        let dispatch = self.dispatch
        let lease = configuration.lease
        let tick = min(lease / 3, .seconds(1))
        let clock = ContinuousClock()
        var lastExtension = clock.now
        while !isStopping || running.count > 0 {
            do {
                try await Task.sleep(for: tick)
            } catch {
                return
            }
            await showRunning()
            guard clock.now - lastExtension >= lease / 3 else { continue }
            lastExtension = clock.now
            let jobs = running.all
            guard !jobs.isEmpty else { continue }
            do {
                let lost = try await redis.withSession { try dispatch.extend(jobs, lease: lease, in: $0) }
                if !lost.isEmpty {
                    logger.warning("leases lost while running", metadata: ["jobs.lost": "\(lost.count)"])
                }
            } catch {
                logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func showRunning() async {
        let jobs = running.takeUnshown(startedBefore: Date().addingTimeInterval(-1))
        guard !jobs.isEmpty else { return }
        let owner = self.owner
        do {
            try await postgres.withSession { try JobLedger.markRunning(jobs, worker: owner, in: $0) }
        } catch {
            // Only the admin view misses them; the jobs run on.
            logger.debug("could not show jobs as running", metadata: ["error": "\(error)"])
        }
    }
}
