import DocketTesting
import Foundation
import PostgresClient
import Testing

/// file-delete-worker and quota-worker as real processes behind a real
/// docket-api: deleting through HTTP frees the files and the quota, once.
@Suite(.serialized) struct StorageWorkerProcessTests {
    @Test func deletingADocumentFreesItsFilesAndQuotaOnce() async throws {
        try await DocketProcessStack.with { stack in
            for name in ["pdf-info-worker", "thumbnail-worker", "file-delete-worker", "quota-worker"] { _ = try stack.worker(name) }
            let folder = try PDFFixtures.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            PDFFixtures.make(folder + "/two.pdf", pages: [(612, 792), (612, 792)])
            let size = try #require(try FileManager.default.attributesOfItem(atPath: folder + "/two.pdf")[.size] as? Int)
            let id = try await stack.upload(folder + "/two.pdf")
            _ = try await stack.document(id, reaching: ["ready"])
            #expect(try await stack.client.json("POST", "/v1/documents/\(id)/thumbnails", key: stack.key).status == 202)
            _ = try await stack.job("thumbnail.pages", of: id, reaching: "succeeded")
            // Settled: the reservation became usage at the stored size.
            _ = try await stack.job("quota.settle", of: id, reaching: "succeeded")
            #expect(try await Self.quota(stack) == [size, 0])
            let documentFolder = try PDFWorkerProcessTests.thumbsFolder(stack, id).replacingOccurrences(of: "/thumbs", with: "")
            #expect(FileManager.default.fileExists(atPath: documentFolder + "/original.pdf"))

            #expect(try await stack.client.json("DELETE", "/v1/documents/\(id)", key: stack.key).status == 202)
            _ = try await stack.job("file.delete", of: id, reaching: "succeeded")
            _ = try await stack.job("quota.release", of: id, reaching: "succeeded")
            #expect(!FileManager.default.fileExists(atPath: documentFolder))
            #expect(try await Self.quota(stack) == [0, 0])
            let shown = try await stack.document(id)
            #expect(shown["status"] as? String == "deleted")
            #expect((shown["thumbnails"] as? [Any])?.isEmpty == true)

            // A second delete changes nothing and enqueues nothing.
            let jobs = try await stack.postgres.query("SELECT count(*) FROM jobs WHERE document_id = $1::uuid", id).scalar(Int.self)
            #expect(try await stack.client.json("DELETE", "/v1/documents/\(id)", key: stack.key).status == 202)
            #expect(try await stack.postgres.query("SELECT count(*) FROM jobs WHERE document_id = $1::uuid", id).scalar(Int.self) == jobs)
            #expect(try await Self.quota(stack) == [0, 0])
        }
    }

    /// `[used_bytes, reserved_bytes]` from `GET /v1/quota`.
    static func quota(_ stack: DocketProcessStack) async throws -> [Int] {
        let quota = try await stack.client.json("GET", "/v1/quota", key: stack.key).json()
        return [quota["used_bytes"] as? Int ?? -1, quota["reserved_bytes"] as? Int ?? -1]
    }

    /// An upload abandoned past its expiry: the sweeper (a real process,
    /// sweeping pending uploads every second) expires it and gives its
    /// reservation back; its URL is then refused.
    @Test func anAbandonedUploadIsSweptWithItsReservationReleased() async throws {
        try await DocketProcessStack.with { stack in
            let created = try await stack.client.createUpload(key: stack.key, size: 5000).json()
            let upload = try #require(created["upload_id"] as? String)
            #expect(try await Self.quota(stack) == [0, 5000])
            try await stack.postgres.query("UPDATE uploads SET expires_at = now() - interval '1 second' WHERE id = $1::uuid", upload)
            _ = try stack.worker("sweeper", settings: ["DOCKET_SWEEP_PENDING_EVERY": "1s"])
            try await WorkerCrashTests.waitUntil(30) { try await Self.quota(stack) == [0, 0] }
            let state = try await stack.postgres.query("SELECT state FROM uploads WHERE id = $1::uuid", upload).scalar(String.self)
            #expect(state == "expired")
            let put = try await stack.client.put(try #require(created["upload_url"] as? String), PDFFixtures.pdfLookingBytes(5000))
            #expect(put.status == 410 || put.status == 409, "\(put.status) \(put.text)")
        }
    }
}
