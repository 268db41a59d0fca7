import DocketTesting
@testable import DocumentJobs
import Foundation
import PDFProcessing
import PostgresClient
import Testing

/// What the thumbnail jobs commit, on a real Postgres.
@Suite struct DocumentWritesTests {
    static func document(_ status: String, in postgres: PostgresPool) async throws -> UUID {
        let id = UUID()
        try await postgres.query("INSERT INTO users (id, name, quota_bytes) VALUES ($1, $2, 0)", id, "u-\(id)")
        try await postgres.query(
            "INSERT INTO documents (id, user_id, filename, status, size_bytes, blob_key) VALUES ($1, $1, 'a.pdf', $2, 1, 'k')",
            id, status
        )
        return id
    }

    static let cover = [ThumbnailRecord(page: 1, image: RenderedImage(width: 300, height: 388, jpeg: [0xFF, 0xD8]), key: "k/thumbs/p0001.jpg")]

    /// Thumbnails that land after their document was deleted: no rows, and
    /// one more file.delete (never two live ones) to remove the files.
    @Test func thumbnailsOfADeletedDocumentEnqueueAnotherFileDelete() async throws {
        let database = try await TestDatabase.createMigrated()
        let postgres = PostgresPool(configuration: database.configuration)
        let deleted = try await Self.document("deleted", in: postgres)
        for _ in 0..<2 {
            try await postgres.transaction { try DocumentWrites.recordThumbnails(Self.cover, document: deleted, in: $0) }
        }
        #expect(try await postgres.query("SELECT count(*) FROM thumbnails WHERE document_id = $1", deleted).scalar(Int.self) == 0)
        let jobs = try await postgres.query("SELECT kind, state, payload->>'user_id' FROM jobs WHERE document_id = $1", deleted)
            .map { [try $0.decode(0, as: String.self), try $0.decode(1, as: String.self), try $0.decode(2, as: String.self)] }
        #expect(jobs == [["file.delete", "queued", deleted.uuidString.lowercased()]])

        // A live document gets its rows and no such job.
        let live = try await Self.document("processing", in: postgres)
        try await postgres.transaction { try DocumentWrites.recordThumbnails(Self.cover, document: live, in: $0) }
        #expect(try await postgres.query("SELECT count(*) FROM thumbnails WHERE document_id = $1", live).scalar(Int.self) == 1)
        #expect(try await postgres.query("SELECT count(*) FROM jobs WHERE document_id = $1", live).scalar(Int.self) == 0)
        await postgres.shutdown()
        try await database.drop()
    }
}
