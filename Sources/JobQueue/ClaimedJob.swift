import Foundation
import UUIDText

/// A job leased to one worker under one attempt. The token (`owner|attempt`)
/// fences every later step: a worker whose lease expired and was taken over
/// can no longer ack, retry or extend the job.
public struct ClaimedJob: Sendable, Hashable {
    public let id: UUID
    /// 1 for the first attempt.
    public let attempt: Int
    public let owner: String

    public init(id: UUID, attempt: Int, owner: String) {
        self.id = id
        self.attempt = attempt
        self.owner = owner
    }

    var token: String { "\(owner)|\(attempt)" }
    var key: String { id.lowercasedString }
}

/// What the relay publishes for one ledger row.
public struct PublishedJob: Sendable {
    public let id: UUID
    /// Not before this time; `nil` means now.
    public let runAt: Date?
    /// Attempts the ledger has already recorded (0 for a new job).
    public let attemptsSoFar: Int

    public init(id: UUID, runAt: Date? = nil, attemptsSoFar: Int = 0) {
        self.id = id
        self.runAt = runAt
        self.attemptsSoFar = attemptsSoFar
    }
}
