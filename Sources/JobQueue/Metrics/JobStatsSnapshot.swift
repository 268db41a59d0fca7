import DocketCore
import Foundation

/// The cluster-wide job totals as read from Redis, by kind.
public struct JobStatsSnapshot: Sendable {
    /// No figures: what a deployment that has run nothing reports.
    public init() {}

    public struct Durations: Sendable, Equatable {
        /// Cumulative counts per `JobTally.bucketBounds` entry.
        public var cumulativeBuckets: [Int]
        public var count: Int
        public var sum: Double
    }

    public private(set) var enqueued: [JobKind: Int] = [:]
    public private(set) var finished: [JobKind: [JobTally.Outcome: Int]] = [:]
    public private(set) var durations: [JobKind: Durations] = [:]

    init(fields: [String: String]) {
        var buckets: [JobKind: [Int]] = [:]
        for (field, value) in fields {
            let parts = field.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { continue }
            let kind = JobKind(parts[1])
            switch (parts[0], parts.count) {
            case ("enqueued", 2): enqueued[kind] = Int(value) ?? 0
            case ("finished", 3):
                if let outcome = JobTally.Outcome(rawValue: parts[2]) { finished[kind, default: [:]][outcome] = Int(value) ?? 0 }
            case ("bucket", 3):
                if let index = Int(parts[2]), JobTally.bucketBounds.indices.contains(index) {
                    buckets[kind, default: Array(repeating: 0, count: JobTally.bucketBounds.count)][index] = Int(value) ?? 0
                }
            case ("count", 2): durations[kind, default: .empty].count = Int(value) ?? 0
            case ("sum", 2): durations[kind, default: .empty].sum = Double(value) ?? 0
            default: continue
            }
        }
        for (kind, counts) in buckets {
            var running = 0
            durations[kind, default: .empty].cumulativeBuckets = counts.map { running += $0; return running }
        }
    }

    /// Finished attempts of `kind` with `outcome`.
    public func finished(_ kind: JobKind, _ outcome: JobTally.Outcome) -> Int { finished[kind]?[outcome] ?? 0 }
}

extension JobStatsSnapshot.Durations {
    static let empty = Self(cumulativeBuckets: Array(repeating: 0, count: JobTally.bucketBounds.count), count: 0, sum: 0)
}
