import DocketTesting
import Foundation
import PostgresClient
import Testing

/// `docketctl jobs backfill` as an operator runs it: a real process, real Postgres.
@Suite struct DocketctlJobsTests {
    func docketctl(_ arguments: [String], _ database: TestDatabase) async throws -> ProcessRun {
        try await ProcessRun.run(
            try BuiltProducts.executable("docketctl"), arguments, environment: ["DATABASE_URL": database.connectionString]
        )
    }

    @Test func backfillEnqueuesForEveryMatchingDocumentAndRefusesBadInput() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        try await postgres.query("INSERT INTO users (id, name, quota_bytes) VALUES ('00000000-0000-7000-8000-000000000001', 'u', 0)")
        try await postgres.query(
            """
            INSERT INTO documents (id, user_id, filename, status, size_bytes, blob_key)
            SELECT gen_random_uuid(), '00000000-0000-7000-8000-000000000001', 'f.pdf', CASE WHEN n <= 7 THEN 'ready' ELSE 'deleted' END, 1, 'k'
            FROM generate_series(1, 9) AS n
            """
        )
        let run = try await docketctl(["jobs", "backfill", "--kind", "thumbnail.cover", "--page-size", "3"], database)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("backfill thumbnail.cover: 7 documents in 4 pages, 7 jobs enqueued"), "\(run.stdout)")
        #expect(try await postgres.query("SELECT count(*) FROM jobs WHERE kind = 'thumbnail.cover'").scalar(Int.self) == 7)

        for arguments in [["--kind", "file.delete"], ["--kind", "pdf.info", "--status", "deleted"], ["--kind", "pdf.info", "--page-size", "0"]] {
            let refused = try await docketctl(["jobs", "backfill"] + arguments, database)
            #expect(refused.status != 0, "\(arguments)")
            #expect(refused.stderr.hasPrefix("docketctl: "), "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(arguments): \(refused.stderr)")
        }
        await postgres.shutdown()
        try await database.drop()
    }
}
