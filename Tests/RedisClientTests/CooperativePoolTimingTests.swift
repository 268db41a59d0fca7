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
        let worst = try await TimerLateness.worst(
            ticks: 100,
            blockers: connections.enumerated().map { index, connection in
                {
                    let moved = try await connection.send("BLMOVE", keys("empty\(index)"), keys("dest"), "LEFT", "RIGHT", 1)
                    #expect(moved == .null)
                }
            }
        )
        #expect(worst < .milliseconds(50))
    }
}
