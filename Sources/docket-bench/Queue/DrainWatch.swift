import DocketCore
import Foundation
import RedisClient

/// Measures processing the way ../shared/bench/peers/driver.py does: polls
/// the "not done" count every 5 ms; the rate is the jobs left at the first
/// poll that saw progress over the time until the poll that sees none
/// (worker start-up excluded).
struct DrainWatch {
    struct Figures {
        let processJPS: Double
        /// 0.8·N over the 10 %→90 % stretch: the steady state.
        let midJPS: Double?
        let bootSeconds: Double
    }

    struct Stalled: Error, CustomStringConvertible {
        let left: Int
        var description: String { "processing stalled with \(left) jobs not done" }
    }

    let redis: RedisPool
    let key: String
    let total: Int
    var cap: Duration = .seconds(120)

    func watch(whileRunning isRunning: () -> Bool) async throws -> Figures {
        let clock = ContinuousClock()
        let spawned = clock.now
        var first: (time: ContinuousClock.Instant, left: Int)?
        var tenPercent: ContinuousClock.Instant?
        var ninetyPercent: ContinuousClock.Instant?
        while true {
            let left = try await redis.send("SCARD", key).int ?? 0
            let now = clock.now
            if first == nil && left < total { first = (now, left) }
            if tenPercent == nil && Double(left) <= 0.9 * Double(total) { tenPercent = now }
            if ninetyPercent == nil && Double(left) <= 0.1 * Double(total) { ninetyPercent = now }
            if left == 0, let first {
                let mid = tenPercent.flatMap { ten in ninetyPercent.map { 0.8 * Double(total) / ($0 - ten).seconds } }
                return Figures(
                    processJPS: Double(first.left) / (now - first.time).seconds, midJPS: mid,
                    bootSeconds: (first.time - spawned).seconds
                )
            }
            guard now - spawned < cap, isRunning() else { throw Stalled(left: left) }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
