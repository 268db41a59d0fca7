import DocketCore
import Foundation
import PostgresClient

/// What a handler hands back: the Postgres effects of the job, committed in
/// the same transaction as its ledger transition, so they happen once.
public struct JobOutcome: Sendable {
    let effects: (@Sendable (borrowing PostgresSession) throws -> Void)?

    /// A job whose effects are all outside Postgres (or none).
    public static let done = JobOutcome(effects: nil)

    /// A job whose Postgres writes commit with its success, or not at all.
    public static func commit(_ effects: @escaping @Sendable (borrowing PostgresSession) throws -> Void) -> JobOutcome {
        JobOutcome(effects: effects)
    }
}

/// Runs one kind of job. `perform` does the slow work (parse, render, write
/// blobs to deterministic names) and returns the database effects; it throws
/// `JobFailure` to fail the attempt (any other error counts as a retryable
/// `internal`).
public struct JobHandler: Sendable {
    public let kind: JobKind
    public var timeout: Duration
    public var backoff: Backoff
    public let perform: @Sendable (LedgerJob) async throws -> JobOutcome
    /// Postgres effects of the job going dead (a document marked failed),
    /// committed with that transition.
    public let whenDead: (@Sendable (LedgerJob, JobFailure, borrowing PostgresSession) throws -> Void)?

    public init(
        kind: JobKind, timeout: Duration = .seconds(300), backoff: Backoff = Backoff(),
        perform: @escaping @Sendable (LedgerJob) async throws -> JobOutcome,
        whenDead: (@Sendable (LedgerJob, JobFailure, borrowing PostgresSession) throws -> Void)? = nil
    ) {
        self.kind = kind
        self.timeout = timeout
        self.backoff = backoff
        self.perform = perform
        self.whenDead = whenDead
    }
}
