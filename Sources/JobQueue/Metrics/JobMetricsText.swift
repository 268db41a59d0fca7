import DocketCore
import Foundation

/// Renders the job metrics of CONTRACT.md §5 in the Prometheus text format:
/// the totals of `JobStats` and the ledger's queue depth.
public enum JobMetricsText {
    /// `depth`: live and dead jobs per kind and state, from `JobLedger.depth`.
    public static func render(_ stats: JobStatsSnapshot, depth: [QueueDepth]) -> String {
        var text = ""
        family(&text, "docket_jobs_enqueued_total", "counter", "Jobs committed to the ledger and published, by kind.")
        for (kind, count) in stats.enqueued.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            sample(&text, "docket_jobs_enqueued_total", [("kind", kind.rawValue)], Double(count))
        }
        family(&text, "docket_jobs_finished_total", "counter", "Attempts finished, by kind and outcome.")
        for (kind, outcomes) in stats.finished.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for outcome in JobTally.Outcome.allCases {
                sample(&text, "docket_jobs_finished_total", [("kind", kind.rawValue), ("outcome", outcome.rawValue)],
                       Double(outcomes[outcome] ?? 0))
            }
        }
        family(&text, "docket_job_duration_seconds", "histogram", "Time a handler took, by kind.")
        for (kind, durations) in stats.durations.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for (bound, count) in zip(JobTally.bucketBounds, durations.cumulativeBuckets) {
                sample(&text, "docket_job_duration_seconds_bucket", [("kind", kind.rawValue), ("le", "\(bound)")], Double(count))
            }
            sample(&text, "docket_job_duration_seconds_bucket", [("kind", kind.rawValue), ("le", "+Inf")], Double(durations.count))
            sample(&text, "docket_job_duration_seconds_sum", [("kind", kind.rawValue)], durations.sum)
            sample(&text, "docket_job_duration_seconds_count", [("kind", kind.rawValue)], Double(durations.count))
        }
        family(&text, "docket_queue_depth", "gauge", "Jobs in the ledger by kind and state (live states and dead).")
        for row in depth {
            sample(&text, "docket_queue_depth", [("kind", row.kind.rawValue), ("state", row.state.rawValue)], Double(row.count))
        }
        return text
    }

    private static func family(_ text: inout String, _ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private static func sample(_ text: inout String, _ name: String, _ labels: [(String, String)], _ value: Double) {
        let rendered = labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",")
        let number = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        text += "\(name){\(rendered)} \(number)\n"
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
