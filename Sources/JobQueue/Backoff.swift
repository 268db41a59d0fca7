/// Exponential backoff with full jitter (DESIGN.md "Failure"):
/// `delay = random(0, min(cap, base · 2^attempt))`. Full jitter spreads the
/// retries of jobs that failed together (a database blip) instead of
/// sending them back in one wave.
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300)) {
        self.base = base
        self.cap = cap
    }

    /// The upper bound of the delay after failed attempt `attempt` (1-based).
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        // 2^attempt overflows nothing below 2^62; past the cap it no longer matters.
        let exponent = min(max(attempt, 0), 40)
        let grown = base * Double(UInt64(1) << UInt64(exponent))
        return min(cap, grown)
    }

    /// A delay drawn uniformly from [0, ceiling].
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterAttempt: attempt)
        let (seconds, attoseconds) = ceiling.components
        let microseconds = Int64(seconds) * 1_000_000 + attoseconds / 1_000_000_000_000
        return .microseconds(Int64.random(in: 0...max(0, microseconds), using: &generator))
    }

    public func delay(afterAttempt attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, using: &generator)
    }
}
