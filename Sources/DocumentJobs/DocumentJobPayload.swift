import BlobStore
import DocketCore
import Foundation
import JobQueue

/// A document job's input (`{"document_id", "user_id"}`, as docket-api
/// writes it) and where the document's original lies.
struct DocumentJobPayload: Decodable, Sendable {
    let documentID: UUID
    let userID: UUID

    enum CodingKeys: String, CodingKey {
        case documentID = "document_id"
        case userID = "user_id"
    }

    /// A payload that does not parse fails the job for good: no later attempt reads it differently.
    init(_ job: LedgerJob) throws {
        do {
            self = try JSONDecoder().decode(DocumentJobPayload.self, from: Data(job.payload.utf8))
        } catch {
            throw JobFailure(code: JobErrorCode.internal.rawValue, retryable: false, message: "payload is not a document job's: \(error)")
        }
    }

    var original: BlobKey { .original(user: userID, document: documentID) }

    func thumbnail(page: Int) -> BlobKey { .thumbnail(user: userID, document: documentID, page: page) }
}
