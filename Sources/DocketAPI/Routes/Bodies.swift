import DocketCore
import DocketStore
import Foundation
import Hummingbird
import JobQueue
import UUIDText

/// The JSON bodies of the client routes (CONTRACT.md §2). Keys are written
/// in snake_case by the API's encoder.
/// Ids are written in lower case, as they appear in URLs and blob keys.
struct UploadCreated: ResponseEncodable {
    let uploadId: String
    let documentId: String
    let uploadUrl: String
    let method: String
    let expiresAt: Date
    let maxBytes: Int64
}

struct UploadStored: ResponseEncodable {
    let uploadId: String
    let sizeBytes: Int64
    let sha256: String
}

struct UploadCancelled: ResponseEncodable {
    let uploadId: String
    let state: String
}

struct JobBrief: Codable, Sendable {
    let id: String
    let kind: String
    let state: String
    /// Pages done of total, for `thumbnail.pages`; null otherwise.
    let progress: JobProgress?

    init(_ job: JobSummary) {
        id = job.id.lowercasedString
        kind = job.kind.rawValue
        state = job.state.rawValue
        progress = job.reportedProgress
    }

    /// Writes a missing progress as null.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(state, forKey: .state)
        try c.encode(progress, forKey: .progress)
    }
}

struct DocumentAccepted: ResponseEncodable {
    let documentId: String
    let status: String
    let jobs: [JobBrief]
}

struct ListPage<Item: Encodable & Sendable>: ResponseEncodable {
    let items: [Item]
    let nextAfter: String?

    /// Always writes `next_after`, null on the last page.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextAfter, forKey: .nextAfter)
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextAfter
    }
}

extension Quota: ResponseEncodable {}

/// Answers with `status` and the value as JSON: routes whose status is not 200.
struct Status<Body: ResponseEncodable>: ResponseGenerator {
    let status: HTTPResponse.Status
    let body: Body

    init(_ status: HTTPResponse.Status, _ body: Body) {
        self.status = status
        self.body = body
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try body.response(from: request, context: context)
        response.status = status
        return response
    }
}
