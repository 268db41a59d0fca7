import Foundation

/// The client side of docket-api's routes, as tests call them.
extension HTTPTestClient {
    public func json(_ method: String, _ path: String, key: String?, _ body: [String: any Sendable]? = nil,
              headers extra: [String: String] = [:]) async throws -> HTTPTestResponse {
        var headers = extra
        if let key { headers["Authorization"] = "Bearer \(key)" }
        var bytes: [UInt8]?
        if let body {
            headers["Content-Type"] = "application/json"
            bytes = Array(try JSONSerialization.data(withJSONObject: body))
        }
        return try await send(method, path, headers: headers, body: bytes)
    }

    /// `POST /v1/uploads` for a PDF of `size` bytes.
    public func createUpload(key: String, size: Int, filename: String = "paper.pdf") async throws -> HTTPTestResponse {
        try await json("POST", "/v1/uploads", key: key, ["filename": filename, "content_type": "application/pdf", "size_bytes": size])
    }

    /// Sends `bytes` to an `upload_url` (or any absolute URL of this server).
    public func put(_ url: String, _ bytes: [UInt8], headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await send("PUT", Self.pathAndQuery(url), headers: headers, body: bytes)
    }

    public func get(_ url: String, method: String = "GET", headers: [String: String] = [:]) async throws -> HTTPTestResponse {
        try await send(method, Self.pathAndQuery(url), headers: headers)
    }

    /// Creates, uploads and completes a document; returns its id and the upload's id.
    public func uploadDocument(key: String, bytes: [UInt8]) async throws -> (document: String, upload: String) {
        let created = try await createUpload(key: key, size: bytes.count).json()
        let url = created["upload_url"] as! String
        let stored = try await put(url, bytes)
        guard stored.status == 201 else { throw HTTPTestError("PUT answered \(stored.status): \(stored.text)") }
        let upload = created["upload_id"] as! String
        let completed = try await json("POST", "/v1/uploads/\(upload)/complete", key: key)
        guard completed.status == 202 else { throw HTTPTestError("complete answered \(completed.status): \(completed.text)") }
        return (created["document_id"] as! String, upload)
    }

    public static func pathAndQuery(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}
