import DocketCore
import Foundation
import PostgresClient

/// A job as admins list it.
public struct JobSummary: Sendable, Equatable {
    public let id: UUID
    public let kind: JobKind
    public let state: JobState
    /// Attempts spent in the current run (since the last requeue).
    public let attempt: Int
    public let maxAttempts: Int
    public let documentID: UUID?
    public let errorCode: String?
    public let errorMessage: String?
    public let createdAt: Date
    public let finishedAt: Date?
    /// The handler's progress report as JSON text (`{"done": n, "total": m}`), if any.
    public let progress: String?

    static let columns = """
        id, kind, state, attempt - attempt_floor, max_attempts, document_id, last_error_code, last_error_message,
        created_at, finished_at, progress::text
        """

    init(row: PostgresRow) throws {
        id = try row.decode(0, as: UUID.self)
        kind = JobKind(try row.decode(1, as: String.self))
        state = JobState(rawValue: try row.decode(2, as: String.self)) ?? .queued
        attempt = try row.decode(3, as: Int.self)
        maxAttempts = try row.decode(4, as: Int.self)
        documentID = try row.decode(5, as: UUID?.self)
        errorCode = try row.decode(6, as: String?.self)
        errorMessage = try row.decode(7, as: String?.self)
        createdAt = try row.decode(8, as: Date.self)
        finishedAt = try row.decode(9, as: Date?.self)
        progress = try row.decode(10, as: String?.self)
    }
}

/// One failed (or final) attempt of a job.
public struct JobAttemptRecord: Sendable, Equatable {
    public let number: Int
    public let worker: String
    public let startedAt: Date
    public let finishedAt: Date
    public let outcome: String
    public let errorCode: String?
    public let message: String?
}

/// One admin action on a job.
public struct JobEventRecord: Sendable, Equatable {
    public let action: String
    public let actor: String
    public let reason: String?
    public let at: Date
}

/// A job with its history, for the admin detail view.
public struct JobDetail: Sendable {
    public let summary: JobSummary
    public let attempts: [JobAttemptRecord]
    public let events: [JobEventRecord]
}

/// Which jobs an admin listing or bulk action covers.
public struct JobFilter: Sendable {
    public var state: JobState?
    public var kind: JobKind?
    public var errorCode: String?

    public init(state: JobState? = nil, kind: JobKind? = nil, errorCode: String? = nil) {
        self.state = state
        self.kind = kind
        self.errorCode = errorCode
    }
}
