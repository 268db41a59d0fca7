import BlobStore
@testable import DocketAPI
import DocketTesting
import Foundation
import Testing

/// Every refusal is problem+json with the contract's error_code and status,
/// and a request id.
@Suite struct APIErrorTests {
    @Test func keysAndOwnership() async throws {
        let stack = try await APITestStack.start()
        let missing = try await stack.json("GET", "/v1/quota", key: nil)
        #expect(missing.status == 401)
        #expect(missing.errorCode == "unauthorized")
        #expect(missing.headers["content-type"] == "application/problem+json")
        #expect(missing.headers["x-request-id"]?.isEmpty == false)
        #expect(try missing.json()["request_id"] as? String == missing.headers["x-request-id"])
        #expect(try await stack.json("GET", "/v1/quota", key: "dk_nope").errorCode == "unauthorized")

        let (alice, _) = try await stack.key()
        let (bob, _) = try await stack.key()
        let (document, upload) = try await stack.uploadDocument(key: alice, bytes: APITestStack.pdfBytes(500))
        for (method, path) in [
            ("GET", "/v1/documents/\(document)"), ("DELETE", "/v1/documents/\(document)"),
            ("POST", "/v1/uploads/\(upload)/complete"), ("POST", "/v1/uploads/\(upload)/cancel"),
            ("POST", "/v1/documents/\(document)/refresh-info"),
        ] {
            let answer = try await stack.json(method, path, key: bob)
            #expect(answer.status == 404, "\(method) \(path)")
            #expect(answer.errorCode == "not_found")
        }
        let bobsList = try await stack.json("GET", "/v1/documents", key: bob).json()
        #expect((bobsList["items"] as? [Any])?.isEmpty == true)
        // Revoked: refused once the revoke's NOTIFY is heard (APICacheTests times it).
        let keyID = try await stack.postgres.query("SELECT id FROM api_keys ORDER BY created_at LIMIT 1").scalar(UUID.self)!
        try await stack.postgres.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", keyID)
        try await stack.expectRefusedSoon(alice)
        try await stack.stop()
    }

    @Test func badRequests() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key(quota: 10_000)
        let malformed = try await stack.client.send(
            "POST", "/v1/uploads", headers: ["Authorization": "Bearer \(key)", "Content-Type": "application/json"],
            body: Array("{\"filename\": ".utf8)
        )
        #expect(malformed.status == 400)
        #expect(malformed.errorCode == "invalid_input")
        let missing = try await stack.json("POST", "/v1/uploads", key: key, ["filename": "a.pdf", "content_type": "application/pdf"])
        #expect(missing.errorCode == "invalid_input")
        #expect(try missing.json()["detail"] as? String == "missing field size_bytes")
        let cases: [([String: any Sendable], Int, String)] = [
            (["filename": "a.pdf", "content_type": "image/png", "size_bytes": 10], 415, "unsupported_media_type"),
            (["filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 0], 400, "empty_file"),
            (["filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 11 << 20], 413, "body_too_large"),
            (["filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 10_001], 403, "quota_exceeded"),
        ]
        for (body, status, code) in cases {
            let answer = try await stack.json("POST", "/v1/uploads", key: key, body)
            #expect(answer.status == status, "\(body)")
            #expect(answer.errorCode == code)
        }
        #expect(try await stack.json("GET", "/v1/documents/not-a-uuid", key: key).errorCode == "invalid_input")
        #expect(try await stack.json("GET", "/v1/documents?limit=0", key: key).errorCode == "invalid_input")
        #expect(try await stack.json("GET", "/v1/documents?after=x", key: key).errorCode == "invalid_input")
        let unknown = try await stack.json("GET", "/v1/nothing-here", key: key)
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "not_found")
        // Nothing was reserved by any refused request.
        #expect(try await stack.json("GET", "/v1/quota", key: key).json()["reserved_bytes"] as? Int == 0)
        try await stack.stop()
    }

    /// 50 reservations of 100 bytes at once against a quota of 1,000.
    @Test func concurrentReservationsHoldTheQuotaExactly() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key(quota: 1000)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await stack.createUpload(key: key, size: 100).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 201 }.count == 10)
        #expect(statuses.filter { $0 == 403 }.count == 40)
        #expect(try await stack.json("GET", "/v1/quota", key: key).json()["reserved_bytes"] as? Int == 1000)
        try await stack.stop()
    }

    @Test func tokensAnswerAsTheContractSays() async throws {
        let stack = try await APITestStack.start()
        let (alice, aliceID) = try await stack.key()
        let (bob, _) = try await stack.key()
        let bytes = APITestStack.pdfBytes(800)
        let aliceUpload = try await stack.createUpload(key: alice, size: 800).json()
        let bobUpload = try await stack.createUpload(key: bob, size: 800).json()
        let aliceURL = aliceUpload["upload_url"] as! String
        let bobURL = bobUpload["upload_url"] as! String
        #expect(aliceURL.hasPrefix("http://127.0.0.1"))  // the Host the client called
        // Behind a TLS proxy the URLs are https, for pages served over https.
        let proxied = try await stack.json("POST", "/v1/uploads", key: bob, ["filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 10],
                                           headers: ["X-Forwarded-Proto": "https"])
        #expect((try proxied.json()["upload_url"] as? String)?.hasPrefix("https://") == true)
        func code(_ response: HTTPTestResponse) -> String? { response.errorCode }

        // Bob's token on Alice's object; a token with one character changed; none at all.
        let aliceToken = URLComponents(string: aliceURL)!.queryItems!.first { $0.name == "token" }!.value!
        let bobToken = URLComponents(string: bobURL)!.queryItems!.first { $0.name == "token" }!.value!
        let alicePath = APITestStack.pathAndQuery(aliceURL).components(separatedBy: "?")[0]
        #expect(code(try await stack.client.send("PUT", alicePath + "?token=" + bobToken, body: bytes)) == "token_invalid")
        var tampered = Array(aliceToken)
        tampered[10] = tampered[10] == "A" ? "B" : "A"
        #expect(code(try await stack.client.send("PUT", alicePath + "?token=" + String(tampered), body: bytes)) == "token_invalid")
        #expect(code(try await stack.client.send("PUT", alicePath, body: bytes)) == "token_invalid")
        // The upload token on GET: another method.
        #expect(code(try await stack.get(aliceURL)) == "token_invalid")
        // Expired: signed by the server's key, an hour ago.
        let key = BlobKey.original(user: aliceID, document: UUID(uuidString: aliceUpload["document_id"] as! String)!)
        let old = stack.keyring.sign(BlobTokenClaims(method: .put, blobKey: key, userID: aliceID, sizeBytes: 800, expiresAt: Date() - 3600))
        let expired = try await stack.client.send("PUT", alicePath + "?token=" + old, body: bytes)
        #expect(expired.status == 403)
        #expect(expired.errorCode == "token_expired")
        // Used once, then conflict.
        #expect(try await stack.put(aliceURL, bytes).status == 201)
        let reused = try await stack.put(aliceURL, bytes)
        #expect(reused.status == 409)
        #expect(reused.errorCode == "conflict")
        try await stack.stop()
    }
}

/// The error codes that need a particular state to reach.
@Suite struct APIStateErrorTests {
    @Test func aClientKeyOnAnAdminRouteIsForbidden() async throws {
        // A Redis of its own: the counts are this test's alone.
        let redis = try PrivateRedisServer()
        try await redis.start()
        let stack = try await APITestStack.start(redis: redis.configuration)
        let (client, _) = try await stack.key(role: .client)
        let (admin, _) = try await stack.key(role: .admin)
        let refused = try await stack.json("GET", "/v1/admin/queues", key: client)
        #expect(refused.status == 403)
        #expect(refused.errorCode == "forbidden")
        #expect(try await stack.json("GET", "/v1/admin/queues", key: nil).errorCode == "unauthorized")
        _ = try await stack.uploadDocument(key: client, bytes: APITestStack.pdfBytes(300))
        let queues = try await stack.json("GET", "/v1/admin/queues", key: admin)
        #expect(queues.status == 200)
        let items = try #require(try queues.json()["items"] as? [[String: Any]])
        let info = try #require(items.first { $0["kind"] as? String == "pdf.info" })
        // The relay is not running here: the ledger's job is not in Redis yet.
        #expect(info["ready"] as? Int == 0)
        #expect(info["dead"] as? Int == 0)
        #expect(Set(items.compactMap { $0["kind"] as? String }).isSuperset(of: ["pdf.info", "thumbnail.cover", "quota.settle", "file.delete"]))
        try await stack.stop()
        await redis.stop()
    }

    @Test func completingAnExpiredUploadIs410AndReleasesItsBytes() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key()
        let created = try await stack.createUpload(key: key, size: 500).json()
        #expect(try await stack.put(created["upload_url"] as! String, APITestStack.pdfBytes(500)).status == 201)
        let upload = created["upload_id"] as! String
        try await stack.postgres.query("UPDATE uploads SET expires_at = now() - interval '1 second' WHERE id = $1::uuid", upload)
        let expired = try await stack.json("POST", "/v1/uploads/\(upload)/complete", key: key)
        #expect(expired.status == 410)
        #expect(expired.errorCode == "upload_expired")
        #expect(try await stack.json("GET", "/v1/quota", key: key).json()["reserved_bytes"] as? Int == 0)
        try await stack.stop()
    }

    /// A storage failure is `internal`: logged with the request id, no detail sent.
    @Test func aStorageFailureIs500WithoutDetails() async throws {
        let stack = try await APITestStack.start()
        let (key, userID) = try await stack.key()
        let created = try await stack.createUpload(key: key, size: 500).json()
        // A file where the user's blob folder must go: staging cannot start.
        try Data().write(to: URL(fileURLWithPath: stack.blobs.root + "/" + userID.uuidString.lowercased()))
        let failed = try await stack.put(created["upload_url"] as! String, APITestStack.pdfBytes(500))
        #expect(failed.status == 500)
        #expect(failed.errorCode == "internal")
        #expect(try failed.json()["detail"] as? String == "internal error")
        #expect(!failed.text.contains(stack.blobs.root))
        try await stack.stop()
    }
}
