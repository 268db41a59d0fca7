import DocketTesting
import Foundation

/// The request helpers of `HTTPTestClient`, on the stack.
extension APITestStack {
    func json(_ method: String, _ path: String, key: String?, _ body: [String: any Sendable]? = nil,
              headers extra: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await client.json(method, path, key: key, body, headers: extra)
    }

    func createUpload(key: String, size: Int, filename: String = "paper.pdf") async throws -> HTTPTestResponse {
        try await client.createUpload(key: key, size: size, filename: filename)
    }

    func put(_ url: String, _ bytes: [UInt8], headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await client.put(url, bytes, headers: headers)
    }

    func get(_ url: String, method: String = "GET", headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await client.get(url, method: method, headers: headers)
    }

    func uploadDocument(key: String, bytes: [UInt8]) async throws -> (document: String, upload: String) {
        try await client.uploadDocument(key: key, bytes: bytes)
    }

    /// Waits (5 s at most) until `key` is refused with `unauthorized`: a
    /// revoke reaches the server's key cache by NOTIFY, a moment after its commit.
    func expectRefusedSoon(_ key: String, _ what: String = "the revoked key refused") async throws {
        try await eventually(what, within: 5) {
            try await json("GET", "/v1/quota", key: key).errorCode == "unauthorized"
        }
    }

    static func pathAndQuery(_ url: String) -> String { HTTPTestClient.pathAndQuery(url) }

    /// A small PDF-looking body: `%PDF-` then filler.
    static func pdfBytes(_ count: Int) -> [UInt8] { PDFFixtures.pdfLookingBytes(count) }
}
