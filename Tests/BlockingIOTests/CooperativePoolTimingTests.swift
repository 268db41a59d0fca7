import BlockingIO
import Testing

/// Timing assertions, run by scripts/test in a pass of their own so that
/// other tests' CPU work does not occupy the cooperative pool meanwhile.
@Suite(.serialized) struct CooperativePoolTimingTests {
    /// Four actors blocking at once (twice the cooperative pool's threads
    /// here) must not delay a timer running on the pool.
    @Test func blockingActorsDoNotStallTheCooperativePool() async throws {
        let workers = (0..<4).map { _ in BlockingWorker() }
        let maximumLateness = try await withThrowingTaskGroup(of: Duration.self) { group in
            for worker in workers { group.addTask { _ = await worker.block(for: 0.5); return .zero } }
            group.addTask {
                let clock = ContinuousClock()
                var worst = Duration.zero
                for _ in 0..<60 {
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
        #expect(maximumLateness < .milliseconds(50))
    }
}
