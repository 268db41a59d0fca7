import DocketCore

/// The Redis keys of one kind's queue. Each carries the kind as a hash tag
/// (`docket:{pdf.info}:ready`) and every script touches the keys of one kind
/// only, so the queues can move to a Redis Cluster unchanged.
struct DispatchKeys: Sendable {
    /// LIST of ids ready to claim.
    let ready: String
    /// ZSET id → due time (ms): retries waiting out their backoff, future run_at.
    let scheduled: String
    /// ZSET id → lease deadline (ms).
    let leased: String
    /// HASH id → lease token `owner|attempt`: who holds the job, under which attempt.
    let lease: String
    /// HASH id → attempts begun so far (from the ledger at publish, +1 per claim).
    let attempts: String
    /// SET of ids held anywhere above: makes publishing idempotent.
    let known: String
    private let prefix: String

    init(kind: JobKind) {
        prefix = "docket:{\(kind.rawValue)}"
        ready = prefix + ":ready"
        scheduled = prefix + ":scheduled"
        leased = prefix + ":leased"
        lease = prefix + ":lease"
        attempts = prefix + ":attempts"
        known = prefix + ":known"
    }

    /// LIST where a blocking wait parks the id it took for `owner`, until
    /// the claim script leases it. Named for the owner, so a crash in
    /// between leaves the id attributable, never orphaned.
    func parked(for owner: String) -> String { prefix + ":parked:" + owner }
}
