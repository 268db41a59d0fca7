import DocketCore
import Foundation
import PostgresClient

extension Documents {
    /// Any user's document with its pages and thumbnails, and the owner's
    /// name: the admin dashboard's lookup by id. Nil when there is none.
    public static func lookup(id: UUID, in session: borrowing PostgresSession) throws -> (document: DocumentRecord, owner: String)? {
        guard let row = try session.query(
            "SELECT d.user_id, u.name FROM documents d JOIN users u ON u.id = d.user_id WHERE d.id = $1", id
        ).first else { return nil }
        return (try get(id: id, userID: try row.decode(0), in: session), try row.decode(1))
    }
}
