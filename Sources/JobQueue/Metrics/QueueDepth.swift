import DocketCore
import PostgresClient

/// How many jobs of one kind are in one state, from the ledger.
public struct QueueDepth: Sendable, Equatable {
    public let kind: JobKind
    public let state: JobState
    public let count: Int

    public init(kind: JobKind, state: JobState, count: Int) {
        self.kind = kind
        self.state = state
        self.count = count
    }
}

extension JobLedger {
    /// Jobs per kind in the states worth watching (live, and dead), in one
    /// query over the live-jobs index and the retention index.
    public static func depth(in session: borrowing PostgresSession) throws -> [QueueDepth] {
        let rows = try session.query(
            """
            SELECT kind, state, count(*) FROM jobs
            WHERE state IN ('queued', 'running', 'retrying', 'dead')
            GROUP BY kind, state ORDER BY kind, state
            """
        )
        return try rows.compactMap { row in
            guard let state = JobState(rawValue: try row.decode(1, as: String.self)) else { return nil }
            return QueueDepth(kind: JobKind(try row.decode(0, as: String.self)), state: state, count: try row.decode(2, as: Int.self))
        }
    }
}
