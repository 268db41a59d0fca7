@testable import DocketAPI
import DocketStore
import DocketTesting
import Foundation
import PostgresClient
import Testing

/// docket-api's caches against a live server: what they keep is dropped by
/// the triggers' NOTIFY wherever the change came from, and a listener that
/// lost its connection forgets all and hears again once back.
@Suite struct APICacheTests {
    @Test func aRevokedKeyIsRefusedOnceTheNotifyIsHeard() async throws {
        let stack = try await APITestStack.start()
        let (key, userID) = try await stack.key()
        try await expectCached(key, stack)
        // Revoked by another program, as `docketctl keys revoke` does.
        let keyID = try await stack.postgres.query("SELECT id FROM api_keys WHERE user_id = $1", userID).scalar(UUID.self)!
        _ = try await stack.postgres.transaction { try APIKeys.revoke(id: keyID, in: $0) }
        try await stack.expectRefusedSoon(key)
        #expect(stack.caches.principals.count == 0)
        try await stack.stop()
    }

    @Test func aDeletedDocumentGetsNoURLAndOthersNeverGetTheCachedOne() async throws {
        let stack = try await APITestStack.start()
        let (alice, _) = try await stack.key()
        let (bob, _) = try await stack.key()
        let (document, _) = try await stack.uploadDocument(key: alice, bytes: APITestStack.pdfBytes(500))
        let id = try #require(UUID(uuidString: document))
        try await expectCached(alice, stack)
        try await expectCached(bob, stack)
        try await eventually("the original cached") {
            let answer = try await downloadURL(document, alice, stack)
            #expect(answer.status == 200)
            return stack.caches.originals.value(for: id) != nil
        }
        // Bob's key and Alice's original are both in memory: still 404 for Bob.
        #expect(try await downloadURL(document, bob, stack).errorCode == "not_found")
        #expect(try await stack.json("DELETE", "/v1/documents/\(document)", key: alice).status == 202)
        try await eventually("the deleted document refused", within: 5) {
            try await downloadURL(document, alice, stack).errorCode == "not_found"
        }
        #expect(stack.caches.originals.value(for: id) == nil)
        try await stack.stop()
    }

    @Test func aListenerThatLostItsConnectionForgetsAllAndHearsAgain() async throws {
        let stack = try await APITestStack.start()
        let (key, userID) = try await stack.key()
        try await expectCached(key, stack)
        let killed = try await stack.postgres.query(
            """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()
            """
        ).scalar(Int.self)
        #expect(killed == 1)
        try await eventually("the cache emptied", within: 5) { stack.caches.principals.count == 0 }
        try await expectCached(key, stack)  // listening again
        try await stack.postgres.query("UPDATE api_keys SET revoked_at = now() WHERE user_id = $1", userID)
        try await stack.expectRefusedSoon(key, "the revoked key refused after the reconnect")
        try await stack.stop()
    }

    /// A database without migration 0008's triggers would never tell the
    /// server of a revoke: checked at every connect, nothing is kept then.
    @Test func withoutTheTriggersNothingIsKept() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key()
        try await expectCached(key, stack)
        try await stack.postgres.query("DROP TRIGGER api_keys_notify_principals ON api_keys")
        try await stack.postgres.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
        )
        try await eventually("the cache emptied", within: 5) { stack.caches.principals.count == 0 }
        // The listener is back within ~0.1 s; over a second of requests nothing is kept.
        for _ in 0..<20 {
            #expect(try await stack.json("GET", "/v1/quota", key: key).status == 200)
            #expect(stack.caches.principals.count == 0)
            try await Task.sleep(for: .milliseconds(50))
        }
        try await stack.stop()
    }

    /// Requests with `key` until the server keeps its principal (the
    /// listener connects in the background after start).
    private func expectCached(_ key: String, _ stack: APITestStack) async throws {
        let hash = APIKeySecret(text: key).sha256
        try await eventually("the key cached") {
            let answer = try await stack.json("GET", "/v1/quota", key: key)
            #expect(answer.status == 200)
            return stack.caches.principals.value(for: hash) != nil
        }
    }

    private func downloadURL(_ document: String, _ key: String, _ stack: APITestStack) async throws -> HTTPTestResponse {
        try await stack.json("POST", "/v1/documents/\(document)/download-url", key: key, ["variant": "original"])
    }
}
