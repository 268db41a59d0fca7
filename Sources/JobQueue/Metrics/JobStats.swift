import DocketCore
import Foundation
import RedisClient

/// The cluster-wide job totals in one Redis hash (`docket:stats:jobs`):
/// every process adds its `JobTally` with `HINCRBY`, `docket-api` reads
/// them for `/metrics`. Losing Redis resets the counters, which Prometheus
/// reads as a counter reset.
public enum JobStats {
    public static let key = "docket:stats:jobs"

    /// Field names: `<metric>|<kind>[|<label>]`.
    enum Field {
        static func enqueued(_ kind: JobKind) -> String { "enqueued|\(kind.rawValue)" }
        static func finished(_ kind: JobKind, _ outcome: JobTally.Outcome) -> String {
            "finished|\(kind.rawValue)|\(outcome.rawValue)"
        }
        /// Non-cumulative: the count of durations in (bound[i-1], bound[i]].
        static func durationBucket(_ kind: JobKind, _ index: Int) -> String { "bucket|\(kind.rawValue)|\(index)" }
        static func durationCount(_ kind: JobKind) -> String { "count|\(kind.rawValue)" }
        static func durationSum(_ kind: JobKind) -> String { "sum|\(kind.rawValue)" }
    }

    /// Adds what `tally` counted since the last flush to the totals, in one
    /// pipeline; on failure the counts go back into the tally for next time.
    public static func flush(_ tally: JobTally, in session: borrowing RedisSession) throws {
        let deltas = tally.take()
        guard !deltas.isEmpty else { return }
        var commands = deltas.counts.map { RedisCommand("HINCRBY", key, $0.key, $0.value) }
        commands += deltas.seconds.map { RedisCommand("HINCRBYFLOAT", key, $0.key, String(format: "%.6f", $0.value)) }
        commands += JobThroughput.commands(for: deltas.counts, at: Date())
        do {
            for reply in try session.pipeline(commands) {
                if case .error(let message) = reply { throw RedisError(.errorReply, message) }
            }
        } catch {
            tally.restore(deltas)
            throw error
        }
    }

    /// The totals as a snapshot.
    public static func read(in session: borrowing RedisSession) throws -> JobStatsSnapshot {
        let reply = try session.send("HGETALL", key)
        var fields: [String: String] = [:]
        let values = reply.array ?? []
        var index = 0
        while index + 1 < values.count {
            if let field = values[index].string, let value = values[index + 1].string { fields[field] = value }
            index += 2
        }
        return JobStatsSnapshot(fields: fields)
    }
}
