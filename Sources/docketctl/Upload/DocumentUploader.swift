import Foundation

/// One file through the client routes, as CONTRACT.md §2 has it: create
/// (reserving quota), PUT with a progress bar, complete, then wait for the
/// document to be `ready` or `failed`.
struct DocumentUploader {
    let client: DocketAPIClient
    let wait: Duration

    /// The document as `GET /v1/documents/{id}` shows it at the end.
    func upload(_ path: String) async throws -> DocketAPIClient.JSONObject {
        try await settled(try await send(path))
    }

    /// Create, PUT and complete; returns the document's id.
    func send(_ path: String) async throws -> String {
        let file = URL(fileURLWithPath: path)
        let name = file.lastPathComponent
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular, let size = (attributes[.size] as? NSNumber)?.int64Value
        else { throw CommandFailure(message: "not a readable file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw CommandFailure(message: "not readable") }
        let created = try await client.object("POST", "/v1/uploads", body: [
            "filename": name, "content_type": "application/pdf", "size_bytes": size,
        ])
        guard let uploadID = created["upload_id"] as? String, let documentID = created["document_id"] as? String,
              let link = created["upload_url"] as? String, let url = URL(string: link)
        else { throw CommandFailure(message: "POST /v1/uploads answered without an upload URL") }
        let (body, response) = try await FileUpload.put(file, size: size, to: url, label: name)
        try DocketAPIClient.check(response, body, what: "PUT \(name)")
        try await client.call("POST", "/v1/uploads/\(uploadID)/complete")
        return documentID
    }

    /// Polls the document until it is no longer `processing` (or the wait ends).
    func settled(_ id: String) async throws -> DocketAPIClient.JSONObject {
        let deadline = ContinuousClock.now + wait
        while true {
            let document = try await client.object("GET", "/v1/documents/\(id)")
            let status = document["status"] as? String ?? "?"
            if status != "processing" && status != "uploading" { return document }
            guard ContinuousClock.now < deadline else {
                throw CommandFailure(message: "document \(id) is still \(status) after \(wait); see `docketctl jobs list --state queued`")
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
