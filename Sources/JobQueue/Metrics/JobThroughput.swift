import DocketCore
import Foundation
import RedisClient

/// Jobs finished per kind and minute, for the dashboard's last-hour chart.
/// Each flush of a `JobTally` also adds its finished counts to the hash of
/// the current minute (`docket:stats:minute:<unix minute>`, fields
/// `<kind>|<outcome>`), which expires after two hours: a bounded history
/// with no sweeper, the way Sidekiq keeps its daily stats.
public struct JobThroughput: Sendable, Equatable {
    public struct Minute: Sendable, Equatable {
        /// Minutes since the Unix epoch.
        public let minute: Int
        public var succeeded: Int
        /// Attempts that ended in an error: retried or dead.
        public var failed: Int
    }

    public let kind: JobKind
    /// Oldest first, one per minute of the window, zeros included.
    public let minutes: [Minute]

    static let keyPrefix = "docket:stats:minute:"
    static let retention = 7200

    /// HINCRBYs of `counts`' finished fields into the minute of `now`, and its expiry.
    static func commands(for counts: [String: Int], at now: Date) -> [RedisCommand] {
        let prefix = "finished|"
        let finished = counts.filter { $0.key.hasPrefix(prefix) && $0.value != 0 }
        guard !finished.isEmpty else { return [] }
        let key = keyPrefix + String(Int(now.timeIntervalSince1970) / 60)
        return finished.map { RedisCommand("HINCRBY", key, String($0.key.dropFirst(prefix.count)), $0.value) }
            + [RedisCommand("EXPIRE", key, retention)]
    }

    /// The last `minutes` minutes up to `now`, per kind seen, in one pipeline.
    public static func read(minutes: Int = 60, now: Date = Date(), in session: borrowing RedisSession) throws -> [JobThroughput] {
        let last = Int(now.timeIntervalSince1970) / 60
        let window = Array((last - minutes + 1)...last)
        let replies = try session.pipeline(window.map { RedisCommand("HGETALL", keyPrefix + String($0)) })
        var counts: [JobKind: [Int: Minute]] = [:]
        for (minute, reply) in zip(window, replies) {
            let values = reply.array ?? []
            for index in stride(from: 0, to: values.count - 1, by: 2) {
                guard let field = values[index].string, let count = values[index + 1].string.flatMap({ Int($0) }) else { continue }
                let parts = field.split(separator: "|", maxSplits: 1).map(String.init)
                guard parts.count == 2, let outcome = JobTally.Outcome(rawValue: parts[1]) else { continue }
                var entry = counts[JobKind(parts[0]), default: [:]][minute] ?? Minute(minute: minute, succeeded: 0, failed: 0)
                if outcome == .succeeded { entry.succeeded += count } else { entry.failed += count }
                counts[JobKind(parts[0]), default: [:]][minute] = entry
            }
        }
        return counts.keys.sorted { $0.rawValue < $1.rawValue }.map { kind in
            JobThroughput(kind: kind, minutes: window.map { counts[kind]?[$0] ?? Minute(minute: $0, succeeded: 0, failed: 0) })
        }
    }
}
