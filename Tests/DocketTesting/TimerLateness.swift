/// Measures how late a 5 ms timer on the cooperative pool fires while
/// `blockers` run beside it: the check that blocking C calls stay off the
/// pool (two threads here).
public enum TimerLateness {
    /// The worst lateness over `ticks` timers, measured while every blocker runs.
    public static func worst(
        ticks: Int, blockers: [@Sendable () async throws -> Void]
    ) async throws -> Duration {
        try await withThrowingTaskGroup(of: Duration.self) { group in
            for blocker in blockers {
                group.addTask {
                    try await blocker()
                    return .zero
                }
            }
            group.addTask {
                let clock = ContinuousClock()
                var worst = Duration.zero
                for _ in 0..<ticks {
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
    }
}
