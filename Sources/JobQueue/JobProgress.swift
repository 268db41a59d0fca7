import Foundation
import PostgresClient

/// How far a long job has come (`thumbnail.pages`: pages done of total),
/// kept in the ledger's `progress` column for clients and admins to read.
public struct JobProgress: Codable, Sendable, Equatable {
    public let done: Int
    public let total: Int

    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }

    /// Parses the column's JSON text; nil for none or anything else.
    public init?(json: String?) {
        guard let data = json?.data(using: .utf8), let value = try? JSONDecoder().decode(JobProgress.self, from: data) else {
            return nil
        }
        self = value
    }

    var json: String { #"{"done": \#(done), "total": \#(total)}"# }
}

extension JobSummary {
    /// The handler's last progress report, if any.
    public var reportedProgress: JobProgress? { JobProgress(json: progress) }
}

extension JobLedger {
    /// Records `progress` on a running job. Not fenced by attempt: only the
    /// worker holding the lease runs the job, and a stale report is
    /// overwritten by the next one or by the job's completion.
    public static func report(_ progress: JobProgress, of job: UUID, in session: borrowing PostgresSession) throws {
        _ = try session.query("UPDATE jobs SET progress = $2::jsonb WHERE id = $1 AND state = 'running'", job, progress.json)
    }

    /// Records the final `progress` inside the transaction that completes the job.
    public static func finish(_ progress: JobProgress, of job: UUID, in session: borrowing PostgresSession) throws {
        _ = try session.query("UPDATE jobs SET progress = $2::jsonb WHERE id = $1", job, progress.json)
    }
}
