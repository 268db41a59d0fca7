import DocketTesting
import Foundation

/// One client's upload: create, PUT from a fixed 1 MiB buffer (so the
/// client holds no more than that), complete.
struct Uploader {
    let client: HTTPTestClient
    let key: String
    /// The body to send, at least as long as any upload (see `writeBody`).
    let body: String

    /// Writes a PDF-looking body of `bytes` to `path` and flushes it, before
    /// any timing: the PUT then sends it from the page cache by sendfile.
    static func writeBody(bytes: Int, to path: String) throws {
        var content = Data(repeating: 0x20, count: bytes)
        content.replaceSubrange(0..<5, with: Array("%PDF-".utf8))
        try content.write(to: URL(fileURLWithPath: path))
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        fsync(descriptor)
    }

    /// Uploads `bytes` and completes; returns the PUT's seconds (first byte
    /// sent to the 201, so the server's fsync and rename are in) and the document id.
    func putOnce(bytes: Int) async throws -> (seconds: Double, document: String) {
        let auth = ["Authorization": "Bearer \(key)", "Content-Type": "application/json"]
        let body = #"{"filename": "bench.pdf", "content_type": "application/pdf", "size_bytes": \#(bytes)}"#
        let created = try await client.send("POST", "/v1/uploads", headers: auth, body: Array(body.utf8))
        guard created.status == 201, let json = try? created.json(), let url = json["upload_url"] as? String,
              let upload = json["upload_id"] as? String, let document = json["document_id"] as? String,
              let components = URLComponents(string: url)
        else { throw BenchFailure("create answered \(created.status): \(created.text)") }
        let target = components.percentEncodedPath + "?" + (components.percentEncodedQuery ?? "")
        let port = client.port
        let path = self.body
        let (seconds, stored) = try await HTTPTestClient.offPool { () -> (Double, HTTPTestResponse) in
            let source = open(path, O_RDONLY)
            guard source >= 0 else { throw BenchFailure("cannot open \(path)") }
            defer { close(source) }
            let connection = try RawHTTPConnection(port: port)
            let clock = ContinuousClock()
            let started = clock.now
            try connection.writeHead("PUT", target, headers: [:], contentLength: bytes)
            try connection.sendFile(source, count: bytes)
            let response = try connection.readResponse()
            let elapsed = clock.now - started
            return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, response)
        }
        guard stored.status == 201 else { throw BenchFailure("PUT answered \(stored.status): \(stored.text)") }
        let completed = try await client.send("POST", "/v1/uploads/\(upload)/complete", headers: ["Authorization": "Bearer \(key)"])
        guard completed.status == 202 else { throw BenchFailure("complete answered \(completed.status)") }
        return (seconds, document)
    }
}
