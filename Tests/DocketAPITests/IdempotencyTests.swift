import Crypto
import DocketTesting
import Foundation
import Testing

/// `Idempotency-Key` on create and complete, over HTTP.
@Suite struct IdempotencyTests {
    func create(_ stack: APITestStack, key apiKey: String, idempotency: String, body: String) async throws -> HTTPTestResponse {
        try await stack.client.send("POST", "/v1/uploads", headers: [
            "Authorization": "Bearer \(apiKey)", "Content-Type": "application/json", "Idempotency-Key": idempotency,
        ], body: Array(body.utf8))
    }

    @Test func aRepeatGetsTheFirstAnswerAndChangesNothing() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key(quota: 10_000)
        let body = #"{"filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 1000}"#
        let first = try await create(stack, key: key, idempotency: "k-1", body: body)
        #expect(first.status == 201)
        let second = try await create(stack, key: key, idempotency: "k-1", body: body)
        #expect(second.status == 201)
        #expect(second.body == first.body)
        #expect(second.headers["idempotent-replayed"] == "true")
        #expect(try await stack.postgres.query("SELECT count(*) FROM uploads").scalar(Int.self) == 1)
        #expect(try await stack.json("GET", "/v1/quota", key: key).json()["reserved_bytes"] as? Int == 1000)

        let other = try await create(stack, key: key, idempotency: "k-1", body: body.replacingOccurrences(of: "1000", with: "999"))
        #expect(other.status == 422)
        #expect(other.errorCode == "idempotency_mismatch")
        // Another key is another request.
        #expect(try await create(stack, key: key, idempotency: "k-2", body: body).status == 201)

        // complete, twice with one key: one set of jobs, the same answer.
        let created = try first.json()
        #expect(try await stack.put(created["upload_url"] as! String, APITestStack.pdfBytes(1000)).status == 201)
        let path = "/v1/uploads/\(created["upload_id"] as! String)/complete"
        let headers = ["Authorization": "Bearer \(key)", "Idempotency-Key": "c-1"]
        let done = try await stack.client.send("POST", path, headers: headers)
        let again = try await stack.client.send("POST", path, headers: headers)
        #expect(done.status == 202)
        #expect(again.body == done.body)
        #expect(try await stack.postgres.query("SELECT count(*) FROM jobs").scalar(Int.self) == 3)
        try await stack.stop()
    }

    @Test func aRefusalIsKeptAndAKeyInUseIsAConflict() async throws {
        let stack = try await APITestStack.start()
        let (key, userID) = try await stack.key(quota: 500)
        let body = #"{"filename": "a.pdf", "content_type": "application/pdf", "size_bytes": 1000}"#
        let refused = try await create(stack, key: key, idempotency: "q-1", body: body)
        #expect(refused.errorCode == "quota_exceeded")
        try await stack.postgres.query("UPDATE users SET quota_bytes = 5000 WHERE id = $1", userID)
        // The first answer stands for that key; a new key runs afresh.
        let replayed = try await create(stack, key: key, idempotency: "q-1", body: body)
        #expect(replayed.status == 403)
        #expect(replayed.errorCode == "quota_exceeded")
        #expect(try await create(stack, key: key, idempotency: "q-2", body: body).status == 201)

        // A request holding its key (claimed, no answer yet): a repeat is 409.
        var hasher = SHA256()
        hasher.update(data: Array("POST /v1/uploads\n".utf8) + Array(body.utf8))
        try await stack.postgres.query(
            "INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES ($1, 'POST /v1/uploads', 'busy', $2)",
            userID, Data(hasher.finalize())
        )
        let busy = try await create(stack, key: key, idempotency: "busy", body: body)
        #expect(busy.status == 409)
        #expect(busy.errorCode == "conflict")
        // Bad keys are bad input.
        #expect(try await create(stack, key: key, idempotency: String(repeating: "x", count: 300), body: body).errorCode == "invalid_input")
        try await stack.stop()
    }
}
