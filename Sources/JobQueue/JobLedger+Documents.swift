import Foundation
import PostgresClient

extension JobLedger {
    /// The jobs written for a document, oldest first: its upload's jobs,
    /// then any reruns (`GET /v1/documents/{id}` shows them).
    public static func jobs(ofDocument id: UUID, in session: borrowing PostgresSession) throws -> [JobSummary] {
        try session.query("SELECT \(JobSummary.columns) FROM jobs WHERE document_id = $1 ORDER BY id", id)
            .map(JobSummary.init(row:))
    }
}
