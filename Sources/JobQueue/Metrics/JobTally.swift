import DocketCore
import Synchronization

/// This process's job figures since the last flush: jobs finished by kind
/// and outcome, and their durations as histogram buckets. `JobStats` adds
/// them to the cluster-wide totals in Redis, which `docket-api` serves at
/// `/metrics`: one scrape target for any number of worker replicas, and
/// counters that survive a worker's restart.
public final class JobTally: Sendable {
    public enum Outcome: String, Sendable, CaseIterable {
        case succeeded, retried, dead
    }

    /// Upper bounds, in seconds, of `docket_job_duration_seconds` buckets.
    public static let bucketBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

    /// Increments to add to the totals, by `JobStats` field name.
    struct Deltas: Sendable {
        var counts: [String: Int] = [:]
        var seconds: [String: Double] = [:]
        var isEmpty: Bool { counts.isEmpty && seconds.isEmpty }
    }

    private let deltas = Mutex(Deltas())

    public init() {}

    /// Counts one finished attempt of `kind`.
    public func finished(_ kind: JobKind, _ outcome: Outcome, after duration: Duration) {
        let seconds = duration.seconds
        let bucket = JobTally.bucketBounds.firstIndex { seconds <= $0 }
        deltas.withLock { deltas in
            deltas.counts[JobStats.Field.finished(kind, outcome), default: 0] += 1
            deltas.counts[JobStats.Field.durationCount(kind), default: 0] += 1
            deltas.seconds[JobStats.Field.durationSum(kind), default: 0] += seconds
            if let bucket {
                deltas.counts[JobStats.Field.durationBucket(kind, bucket), default: 0] += 1
            }
        }
    }

    /// Counts jobs of `kind` the relay published for the first time.
    public func enqueued(_ kind: JobKind, count: Int) {
        guard count > 0 else { return }
        deltas.withLock { $0.counts[JobStats.Field.enqueued(kind), default: 0] += count }
    }

    /// Takes what was counted since the last call.
    func take() -> Deltas {
        deltas.withLock { deltas in
            defer { deltas = Deltas() }
            return deltas
        }
    }

    /// Puts back deltas a failed flush could not write.
    func restore(_ unwritten: Deltas) {
        deltas.withLock { deltas in
            deltas.counts.merge(unwritten.counts, uniquingKeysWith: +)
            deltas.seconds.merge(unwritten.seconds, uniquingKeysWith: +)
        }
    }
}
