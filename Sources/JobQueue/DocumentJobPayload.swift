import DocketCore
import Foundation
import UUIDText

/// The input of a job about one document, as docket-api writes it:
/// `{"document_id", "user_id", …}` (other fields are ignored here).
public struct DocumentJobPayload: Decodable, Sendable {
    public let documentID: UUID
    public let userID: UUID

    enum CodingKeys: String, CodingKey {
        case documentID = "document_id"
        case userID = "user_id"
    }

    /// The payload of a job about `document` of `user`.
    public static func json(document: UUID, user: UUID) -> String {
        #"{"document_id": "\#(document.lowercasedString)", "user_id": "\#(user.lowercasedString)"}"#
    }

    /// A payload that does not parse fails the job for good: no later
    /// attempt reads it differently.
    public init(_ job: LedgerJob) throws {
        do {
            self = try JSONDecoder().decode(DocumentJobPayload.self, from: Data(job.payload.utf8))
        } catch {
            throw JobFailure(code: JobErrorCode.internal.rawValue, retryable: false, message: "payload is not a document job's: \(error)")
        }
    }
}
