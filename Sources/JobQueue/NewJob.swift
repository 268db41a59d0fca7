import DocketCore
import Foundation

/// A job to enqueue: what the caller decides; the ledger adds the rest.
public struct NewJob: Sendable {
    public var kind: JobKind
    /// The handler's input as JSON text (stored as jsonb).
    public var payload: String
    public var maxAttempts: Int
    /// Not before this time; `nil` is now.
    public var runAt: Date?
    public var priority: Int
    /// At most one live job (queued, running or retrying) per kind and key.
    public var dedupeKey: String?
    public var documentID: UUID?

    public init(
        kind: JobKind, payload: String = "{}", maxAttempts: Int = 5, runAt: Date? = nil,
        priority: Int = 0, dedupeKey: String? = nil, documentID: UUID? = nil
    ) {
        self.kind = kind
        self.payload = payload
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.priority = priority
        self.dedupeKey = dedupeKey
        self.documentID = documentID
    }
}

/// A job the ledger wrote: what a relay needs to publish it without
/// reading the outbox.
public struct EnqueuedJob: Sendable {
    public let id: UUID
    public let kind: JobKind
    /// The time the caller asked for; `nil` is now. (The row's `run_at`,
    /// the enqueuing transaction's clock, would often lie a fraction of a
    /// millisecond ahead of Redis's when published this fast, and the job
    /// would wait in the schedule for a worker's next claim.)
    public let runAt: Date?
    /// The `job_outbox` row listing it, which the relay deletes once it
    /// has published every job of the row (all rung together: one
    /// enqueue's rows hold only that enqueue's jobs).
    let outboxRow: Int
}
