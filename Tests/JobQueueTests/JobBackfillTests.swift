import DocketCore
import DocketTesting
import Foundation
import JobQueue
import PostgresClient
import Synchronization
import Testing

/// Backfill over more documents than one page holds: every one is reached.
@Suite struct JobBackfillTests {
    @Test func twelveThousandDocumentsInPagesOfFiveThousandAllGetTheirJob() async throws {
        let database = try await TestDatabase.createMigrated()
        let connection = PostgresConnection(configuration: database.configuration)
        try await connection.query("INSERT INTO users (id, name, quota_bytes) VALUES ('00000000-0000-7000-8000-000000000001', 'u', 0)")
        // 12,000 documents to backfill, and 300 that must be left out (deleted, still uploading).
        try await connection.query(
            """
            INSERT INTO documents (id, user_id, filename, status, size_bytes, blob_key)
            SELECT gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'f.pdf',
                   CASE WHEN n <= 12000 THEN (ARRAY['processing', 'ready', 'failed'])[1 + n % 3]
                        WHEN n <= 12150 THEN 'deleted' ELSE 'uploading' END,
                   1, 'k'
            FROM generate_series(1, 12300) AS n
            """
        )
        let pages = Mutex<[Int]>([])
        let report = try await JobBackfill.run(
            kind: .pdfInfo, statuses: ["processing", "ready", "failed"], pageSize: 5000, on: connection
        ) { page in pages.withLock { $0.append(page.documents) } }
        #expect(report == JobBackfill.Report(pages: 4, documents: 12000, enqueued: 12000))
        #expect(pages.withLock { $0 } == [5000, 10000, 12000, 12000])
        let jobs = try await connection.query(
            "SELECT count(*), count(DISTINCT document_id) FROM jobs WHERE kind = 'pdf.info'"
        ).first
        #expect(try jobs?.decode(0, as: Int.self) == 12000 && jobs?.decode(1, as: Int.self) == 12000)
        let left = try await connection.query(
            "SELECT count(*) FROM documents d WHERE status IN ('deleted', 'uploading') AND EXISTS (SELECT 1 FROM jobs WHERE document_id = d.id)"
        ).scalar(Int.self)
        #expect(left == 0)
        // Each one publishable: in the outbox for the relay.
        #expect(try await connection.query("SELECT sum(cardinality(job_ids))::int FROM job_outbox").scalar(Int.self) == 12000)

        // Again, while those jobs are still queued: nothing doubles.
        let again = try await JobBackfill.run(kind: .pdfInfo, statuses: ["ready"], pageSize: 5000, on: connection)
        #expect(again == JobBackfill.Report(pages: 2, documents: 4000, enqueued: 0))
        await connection.close()
        try await database.drop()
    }
}
