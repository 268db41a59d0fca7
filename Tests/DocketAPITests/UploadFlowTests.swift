import DocketTesting
import Foundation
import Testing

/// The whole client path over HTTP against a live server: create, PUT,
/// complete, read back, download with ranges.
@Suite struct UploadFlowTests {
    @Test func anUploadBecomesADocumentWithItsJobsOnce() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key()
        let bytes = APITestStack.pdfBytes(300_000)
        let created = try await stack.createUpload(key: key, size: bytes.count)
        #expect(created.status == 201)
        let body = try created.json()
        #expect(body["method"] as? String == "PUT")
        #expect(body["max_bytes"] as? Int == bytes.count)
        let uploadURL = try #require(body["upload_url"] as? String)
        let upload = try #require(body["upload_id"] as? String)
        let document = try #require(body["document_id"] as? String)

        let stored = try await stack.put(uploadURL, bytes)
        #expect(stored.status == 201, "\(stored.text)")
        #expect(try stored.json()["sha256"] as? String == SHA256Hex.of(bytes))
        // The blob is in place, and nothing is left staged.
        #expect(try stack.blobs.stagingFiles().isEmpty)

        let first = try await stack.json("POST", "/v1/uploads/\(upload)/complete", key: key)
        #expect(first.status == 202)
        let firstJobs = try #require(try first.json()["jobs"] as? [[String: Any]])
        #expect(Set(firstJobs.compactMap { $0["kind"] as? String }) == ["pdf.info", "thumbnail.cover", "quota.settle"])
        let again = try await stack.json("POST", "/v1/uploads/\(upload)/complete", key: key)
        #expect(again.status == 202)
        #expect((try again.json()["jobs"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            == firstJobs.compactMap { $0["id"] as? String })
        let jobCount = try await stack.postgres.query("SELECT count(*) FROM jobs WHERE document_id = $1::uuid", document)
        #expect(try jobCount.scalar(Int.self) == 3)

        let shown = try await stack.json("GET", "/v1/documents/\(document)", key: key)
        #expect(shown.status == 200)
        let shownBody = try shown.json()
        #expect(shownBody["status"] as? String == "processing")
        #expect(shownBody["size_bytes"] as? Int == bytes.count)
        #expect(shownBody["page_count"] is NSNull)

        let listed = try await stack.json("GET", "/v1/documents?limit=10", key: key)
        #expect((try listed.json()["items"] as? [[String: Any]])?.first?["id"] as? String == document)
        #expect(try listed.json()["next_after"] is NSNull)

        // Download: whole, a range, a suffix range, HEAD.
        let link = try await stack.json("POST", "/v1/documents/\(document)/download-url", key: key, ["variant": "original"])
        #expect(link.status == 200)
        let url = try #require(try link.json()["url"] as? String)
        let whole = try await stack.get(url)
        #expect(whole.status == 200)
        #expect(whole.body == bytes)
        #expect(whole.headers["content-type"] == "application/pdf")
        #expect(whole.headers["etag"] != nil)
        let part = try await stack.get(url, headers: ["Range": "bytes=100-199"])
        #expect(part.status == 206)
        #expect(part.body == Array(bytes[100...199]))
        #expect(part.headers["content-range"] == "bytes 100-199/\(bytes.count)")
        let tail = try await stack.get(url, headers: ["Range": "bytes=-10"])
        #expect(tail.body == Array(bytes.suffix(10)))
        let unsatisfiable = try await stack.get(url, headers: ["Range": "bytes=\(bytes.count + 5)-"])
        #expect(unsatisfiable.status == 200)
        let head = try await stack.get(url, method: "HEAD")
        #expect(head.status == 200)
        #expect(head.headers["content-length"] == String(bytes.count))
        #expect(head.body.isEmpty)
        try await stack.stop()
    }

    @Test func cancelReleasesTheReservationAndRemovesTheBytes() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key(quota: 1_000_000)
        let bytes = APITestStack.pdfBytes(50_000)
        let created = try await stack.createUpload(key: key, size: bytes.count).json()
        #expect(try await stack.put(created["upload_url"] as! String, bytes).status == 201)
        #expect(try await stack.json("GET", "/v1/quota", key: key).json()["reserved_bytes"] as? Int == 50_000)
        let upload = created["upload_id"] as! String
        let cancelled = try await stack.json("POST", "/v1/uploads/\(upload)/cancel", key: key)
        #expect(cancelled.status == 200)
        let quota = try await stack.json("GET", "/v1/quota", key: key).json()
        #expect(quota["reserved_bytes"] as? Int == 0)
        #expect(quota["limit_bytes"] as? Int == 1_000_000)
        let again = try await stack.json("POST", "/v1/uploads/\(upload)/cancel", key: key)
        #expect(again.status == 409)
        #expect(again.errorCode == "conflict")
        let complete = try await stack.json("POST", "/v1/uploads/\(upload)/complete", key: key)
        #expect(complete.errorCode == "conflict")
        #expect(try FileManager.default.contentsOfDirectory(atPath: stack.blobs.root).isEmpty)
        try await stack.stop()
    }

    @Test func deleteIsATombstoneWithItsJobsOnce() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key()
        let (document, _) = try await stack.uploadDocument(key: key, bytes: APITestStack.pdfBytes(1000))
        let deleted = try await stack.json("DELETE", "/v1/documents/\(document)", key: key)
        #expect(deleted.status == 202)
        let kinds = (try deleted.json()["jobs"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(Set(kinds ?? []) == ["file.delete", "quota.release"])
        let twice = try await stack.json("DELETE", "/v1/documents/\(document)", key: key)
        #expect(twice.status == 202)
        #expect((try twice.json()["jobs"] as? [[String: Any]])?.count == 2)
        #expect(try await stack.json("GET", "/v1/documents/\(document)", key: key).json()["status"] as? String == "deleted")
        let rerun = try await stack.json("POST", "/v1/documents/\(document)/refresh-info", key: key)
        #expect(rerun.errorCode == "conflict")
        try await stack.stop()
    }

    @Test func rerunsAreQueuedOncePerLiveJob() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key()
        let (document, _) = try await stack.uploadDocument(key: key, bytes: APITestStack.pdfBytes(1000))
        let first = try await stack.json("POST", "/v1/documents/\(document)/thumbnails", key: key)
        #expect(first.status == 202)
        let second = try await stack.json("POST", "/v1/documents/\(document)/thumbnails", key: key)
        let id = { (response: HTTPTestResponse) in ((try? response.json()["jobs"]) as? [[String: Any]])?.first?["id"] as? String }
        #expect(id(first) != nil)
        #expect(id(first) == id(second))
        let count = try await stack.postgres.query(
            "SELECT count(*) FROM jobs WHERE document_id = $1::uuid AND kind = 'thumbnail.pages'", document
        )
        #expect(try count.scalar(Int.self) == 1)
        try await stack.stop()
    }
}
