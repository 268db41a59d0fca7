import JobQueue
import Testing

/// A deterministic generator, so bounds are checked over many draws.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct BackoffTests {
    let backoff = Backoff(base: .milliseconds(100), cap: .seconds(10))

    @Test func theCeilingDoublesUntilTheCap() {
        #expect(backoff.ceiling(afterAttempt: 1) == .milliseconds(200))
        #expect(backoff.ceiling(afterAttempt: 2) == .milliseconds(400))
        #expect(backoff.ceiling(afterAttempt: 6) == .milliseconds(6400))
        #expect(backoff.ceiling(afterAttempt: 7) == .seconds(10))
        #expect(backoff.ceiling(afterAttempt: 1000) == .seconds(10))
    }

    @Test(arguments: 1...12)
    func delaysFallInsideTheBounds(attempt: Int) {
        var generator = SplitMix(state: UInt64(attempt))
        let ceiling = backoff.ceiling(afterAttempt: attempt)
        let delays = (0..<2000).map { _ in backoff.delay(afterAttempt: attempt, using: &generator) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= ceiling })
        // Full jitter: the draws spread over the whole range, not near its top.
        #expect(delays.min()! < ceiling * 0.1)
        #expect(delays.max()! > ceiling * 0.9)
    }
}
