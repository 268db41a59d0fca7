/// Times a block and turns a count into a rate.
enum Stopwatch {
    /// Operations per second of `count` operations done by `body`.
    static func rate(count: Int, _ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        let elapsed = clock.now - start
        let (seconds, attoseconds) = elapsed.components
        return Double(count) / (Double(seconds) + Double(attoseconds) / 1e18)
    }
}
