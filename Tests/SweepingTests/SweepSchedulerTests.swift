import DocketTesting
import Foundation
import JobQueue
import Logging
import RedisClient
import Sweeping
import Synchronization
import Testing

/// The scheduler's promises: once per period across replicas, a failure
/// counted and survived, a run cut at its deadline.
@Suite struct SweepSchedulerTests {
    static func scheduler(_ sweeps: [Sweep], owner: String) throws -> SweepScheduler {
        SweepScheduler(sweeps: sweeps, redis: RedisPool(configuration: try TestEnvironment.redisConfiguration()), logger: Logger(label: "test"), owner: owner)
    }

    @Test func twoReplicasRunASweepOncePerPeriod() async throws {
        let runs = Atomic<Int>(0)
        let name = "test_\(UUID().uuidString.prefix(8))"
        // A long period, so a loaded machine cannot stretch the two ticks past it.
        let sweep = Sweep(name: name, every: .seconds(600)) {
            runs.add(1, ordering: .relaxed)
            return ["removed": 1]
        }
        let (first, second) = (try Self.scheduler([sweep], owner: "a"), try Self.scheduler([sweep], owner: "b"))
        // Both replicas tick in the same period: one runs.
        let answers = await [first.tick(sweep), second.tick(sweep)]
        #expect(answers.compactMap { $0 } == [["removed": 1]])
        #expect(runs.load(ordering: .relaxed) == 1)
        // The period ends (its lock expires): the next tick of either runs it once more.
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        _ = try await redis.send("PEXPIRE", "docket:sweep:\(name)", "1")
        try await Task.sleep(for: .milliseconds(20))
        let later = await [second.tick(sweep), first.tick(sweep)]
        #expect(later.compactMap { $0 }.count == 1)
        #expect(runs.load(ordering: .relaxed) == 2)
        // Counted for /metrics.
        let totals = try await redis.withSession { try SweepStats.read(in: $0) }
        #expect(totals[name]?["removed"] == 2)
    }

    struct Transient: Error {}

    @Test func aFailingRunIsCountedAndTheNextPeriodRunsAgain() async throws {
        let calls = Atomic<Int>(0)
        let name = "test_\(UUID().uuidString.prefix(8))"
        let sweep = Sweep(name: name, every: .seconds(600)) {
            if calls.add(1, ordering: .relaxed).newValue == 1 { throw Transient() }
            return ["expired": 3]
        }
        let scheduler = try Self.scheduler([sweep], owner: "a")
        #expect(await scheduler.tick(sweep) == ["error": 1])
        // The next period.
        _ = try await RedisPool(configuration: try TestEnvironment.redisConfiguration()).send("PEXPIRE", "docket:sweep:\(name)", "1")
        try await Task.sleep(for: .milliseconds(20))
        #expect(await scheduler.tick(sweep) == ["expired": 3])
    }

    @Test func aRunPastItsDeadlineIsCutAndCountedAsAnError() async throws {
        let name = "test_\(UUID().uuidString.prefix(8))"
        let sweep = Sweep(name: name, every: .seconds(600), deadline: .milliseconds(200)) {
            try await Task.sleep(for: .seconds(300))
            return ["removed": 1]
        }
        let scheduler = try Self.scheduler([sweep], owner: "a")
        let started = ContinuousClock.now
        #expect(await scheduler.tick(sweep) == ["error": 1])
        // Cut at its deadline, not run for its 300 s (loose: a loaded machine stretches timers).
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}
