/// Where a job stands in the ledger (CONTRACT.md §4):
/// `queued` → `running` → `succeeded`; `running` → `retrying` → `running` …;
/// → `dead`; `queued`/`dead` → `discarded`.
public enum JobState: String, Sendable, CaseIterable, Codable {
    case queued, running, retrying, succeeded, dead, discarded

    /// States in which the job may still run.
    public var isLive: Bool { self == .queued || self == .running || self == .retrying }
}
