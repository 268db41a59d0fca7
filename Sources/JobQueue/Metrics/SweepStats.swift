import RedisClient

/// Sweep totals across replicas, in one Redis hash: field
/// `<sweeper>|<outcome>`, read by docket-api for `/metrics`.
public enum SweepStats {
    public static let key = "docket:stats:sweeps"

    public static func field(sweeper: String, outcome: String) -> String { "\(sweeper)|\(outcome)" }

    /// `(sweeper, outcome) → total`.
    public static func read(in session: borrowing RedisSession) throws -> [String: [String: Int]] {
        let values = try session.send("HGETALL", key).array ?? []
        var totals: [String: [String: Int]] = [:]
        var index = 0
        while index + 1 < values.count {
            if let field = values[index].string, let text = values[index + 1].string, let count = Int(text) {
                let parts = field.split(separator: "|", maxSplits: 1).map(String.init)
                if parts.count == 2 { totals[parts[0], default: [:]][parts[1]] = count }
            }
            index += 2
        }
        return totals
    }

    /// `docket_sweeper_removed_total{sweeper,outcome}` in Prometheus text.
    public static func render(_ totals: [String: [String: Int]]) -> String {
        var text = "# HELP docket_sweeper_removed_total What the periodic sweeps handled, by sweep and outcome.\n"
        text += "# TYPE docket_sweeper_removed_total counter\n"
        for (sweeper, outcomes) in totals.sorted(by: { $0.key < $1.key }) {
            for (outcome, count) in outcomes.sorted(by: { $0.key < $1.key }) {
                text += "docket_sweeper_removed_total{sweeper=\"\(sweeper)\",outcome=\"\(outcome)\"} \(count)\n"
            }
        }
        return text
    }
}
