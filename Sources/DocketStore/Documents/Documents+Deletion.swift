import DocketCore
import Foundation
import PostgresClient

extension Documents {
    public enum Deletion: Sendable, Equatable {
        /// Now `deleted`. `reservationReleased`: it was still uploading, so
        /// its pending upload was cancelled and its bytes given back here;
        /// otherwise `quota.release` gives them back.
        case deleted(reservationReleased: Bool)
        /// Deleted before: nothing changes.
        case alreadyDeleted
    }

    /// Marks the document `deleted` (a tombstone: the row stays); the
    /// caller enqueues `file.delete`, and `quota.release` unless the
    /// reservation was released here.
    public static func delete(id: UUID, userID: UUID, in session: borrowing PostgresSession) throws -> Deletion {
        guard let row = try session.query(
            "SELECT status FROM documents WHERE id = $1 AND user_id = $2 FOR UPDATE", id, userID
        ).first else { throw DocketError(.notFound, "no such document") }
        switch DocumentStatus(rawValue: try row.decode(0)) {
        case .deleted:
            return .alreadyDeleted
        case .uploading:
            let upload = try Uploads.find(documentID: id, userID: userID, in: session)
            if upload.state == .pending {
                try Uploads.finish(upload, as: .cancelled, in: session)
                return .deleted(reservationReleased: true)
            }
        default:
            break
        }
        try session.query("UPDATE documents SET status = 'deleted', updated_at = now() WHERE id = $1", id)
        return .deleted(reservationReleased: false)
    }

    /// Checks that jobs may be run for the document: it has its bytes and
    /// is not deleted.
    public static func requireProcessable(_ document: DocumentRecord) throws(DocketError) {
        switch document.status {
        case .processing, .ready, .failed: return
        case .uploading: throw DocketError(.conflict, "the document's upload is not complete")
        case .deleted: throw DocketError(.conflict, "the document is deleted")
        }
    }
}
