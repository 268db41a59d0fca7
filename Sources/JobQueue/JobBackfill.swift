import DocketCore
import Foundation
import PostgresClient

/// Jobs for documents that exist already (`docketctl jobs backfill`): a new
/// kind, or a rerun after a fix. Documents are read in id order a page at a
/// time, each page enqueued in a transaction of its own (bounded: no lock
/// held across the whole table, and a failure loses at most one page's
/// work, which a rerun redoes), until a page comes back empty — never
/// stopping after one page that happened to be full.
public enum JobBackfill {
    public struct Report: Sendable, Equatable {
        /// Pages read, the last (empty or short) one included.
        public var pages = 0
        /// Documents that matched.
        public var documents = 0
        /// Jobs written; a document with a live job of the kind gets none.
        public var enqueued = 0

        public init(pages: Int = 0, documents: Int = 0, enqueued: Int = 0) {
            self.pages = pages
            self.documents = documents
            self.enqueued = enqueued
        }
    }

    /// Enqueues `kind` for every document whose status is in `statuses`
    /// (`processing`, `ready`, `failed`).
    /// `onPage` hears of each page as it commits (for a progress line).
    public static func run(
        kind: JobKind, statuses: [String], pageSize: Int, maxAttempts: Int = 5,
        on connection: PostgresConnection, onPage: @Sendable (Report) -> Void = { _ in }
    ) async throws -> Report {
        precondition(pageSize > 0, "a page holds at least one document")  // programmer error: the CLI validates
        var report = Report()
        var after: UUID?
        while true {
            let cursor = after
            let (count, last, written) = try await connection.transaction { session -> (Int, UUID?, Int) in
                let rows = try session.query(
                    """
                    SELECT id, user_id FROM documents
                    WHERE status = ANY($1::text[]) AND ($2::uuid IS NULL OR id > $2)
                    ORDER BY id LIMIT $3
                    """,
                    statuses, cursor, pageSize
                )
                let documents = try rows.map { (try $0.decode(0, as: UUID.self), try $0.decode(1, as: UUID.self)) }
                let jobs = documents.map { document, user in
                    NewJob(
                        kind: kind, payload: DocumentJobPayload.json(document: document, user: user), maxAttempts: maxAttempts,
                        dedupeKey: document.uuidString.lowercased(), documentID: document
                    )
                }
                return (documents.count, documents.last?.0, try JobLedger.enqueue(jobs, in: session).count)
            }
            report.pages += 1
            report.documents += count
            report.enqueued += written
            onPage(report)
            guard let last else { return report }
            after = last
        }
    }
}
