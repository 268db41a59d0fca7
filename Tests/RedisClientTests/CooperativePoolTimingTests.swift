import DocketTesting
import RedisClient
import Testing

/// Timing assertions, run by scripts/test in a pass of their own so that
/// other tests' CPU work does not occupy the cooperative pool meanwhile.
@Suite(.serialized) struct CooperativePoolTimingTests {
    /// BLMOVE blocks its connection's thread, never the cooperative pool:
    /// with four of them blocked, a 5 ms timer stays on time.
    @Test func blockingCommandsDoNotStallOtherTasks() async throws {
        let base = try TestEnvironment.redisConfiguration().forBlockingCommands(upTo: .seconds(1))
        let keys = TestKeys()
        let connections = try await (0..<4).asyncMap { _ in try await RedisConnection.connect(configuration: base) }
        let worst = try await withThrowingTaskGroup(of: Duration.self) { group in
            for (index, connection) in connections.enumerated() {
                group.addTask {
                    let moved = try await connection.send("BLMOVE", keys("empty\(index)"), keys("dest"), "LEFT", "RIGHT", 1)
                    #expect(moved == .null)
                    return .zero
                }
            }
            group.addTask {
                let clock = ContinuousClock()
                var worst = Duration.zero
                for _ in 0..<100 {
                    let start = clock.now
                    try await Task.sleep(for: .milliseconds(5))
                    worst = max(worst, clock.now - start - .milliseconds(5))
                }
                return worst
            }
            var worst = Duration.zero
            for try await lateness in group { worst = max(worst, lateness) }
            return worst
        }
        #expect(worst < .milliseconds(50))
    }
}
