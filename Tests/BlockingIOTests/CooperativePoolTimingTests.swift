import BlockingIO
import DocketTesting
import Testing

/// Timing assertions, run by scripts/test in a pass of their own so that
/// other tests' CPU work does not occupy the cooperative pool meanwhile.
@Suite(.serialized) struct CooperativePoolTimingTests {
    /// Four actors blocking at once (twice the cooperative pool's threads
    /// here) must not delay a timer running on the pool.
    @Test func blockingActorsDoNotStallTheCooperativePool() async throws {
        let workers = (0..<4).map { _ in BlockingWorker() }
        let worst = try await TimerLateness.worst(
            ticks: 60, blockers: workers.map { worker in { _ = await worker.block(for: 0.5) } }
        )
        #expect(worst < .milliseconds(50))
    }
}
