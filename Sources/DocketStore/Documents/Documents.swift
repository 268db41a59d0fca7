import DocketCore
import Foundation
import PostgresClient

/// The `documents` table and its pages and thumbnails, read for the user
/// who owns them: another user's id is `not_found`, never `forbidden`.
public enum Documents {
    static let columns = """
        id, user_id, filename, status, size_bytes, sha256, blob_key, page_count, pdf_version, title, author,
        subject, keywords, creator, producer, created_at_pdf, modified_at_pdf, encrypted, error_code,
        error_message, created_at
        """

    /// One page of the user's documents in id order (newest last), after `after`.
    public static func list(
        userID: UUID, after: UUID?, limit: Int, in session: borrowing PostgresSession
    ) throws -> [DocumentRecord] {
        try session.query(
            """
            SELECT \(columns) FROM documents
            WHERE user_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3
            """,
            userID, after, limit
        ).map(record)
    }

    /// The document's row alone (no pages or thumbnails): one query.
    public static func find(id: UUID, userID: UUID, in session: borrowing PostgresSession) throws -> DocumentRecord {
        guard let row = try session.query(
            "SELECT \(columns) FROM documents WHERE id = $1 AND user_id = $2", id, userID
        ).first else { throw DocketError(.notFound, "no such document") }
        return try record(row)
    }

    /// Whether page `page` of the document has a thumbnail.
    public static func hasThumbnail(document id: UUID, page: Int, in session: borrowing PostgresSession) throws -> Bool {
        try !session.query("SELECT 1 FROM thumbnails WHERE document_id = $1 AND page = $2", id, page).isEmpty
    }

    /// The document with its pages and thumbnails.
    public static func get(id: UUID, userID: UUID, in session: borrowing PostgresSession) throws -> DocumentRecord {
        var document = try find(id: id, userID: userID, in: session)
        document.pages = try session.query(
            "SELECT number, width_pt, height_pt FROM document_pages WHERE document_id = $1 ORDER BY number", id
        ).map { .init(number: try $0.decode(0), widthPt: try $0.decode(1), heightPt: try $0.decode(2)) }
        document.thumbnails = try session.query(
            "SELECT page, width, height, bytes FROM thumbnails WHERE document_id = $1 ORDER BY page", id
        ).map { .init(page: try $0.decode(0), width: try $0.decode(1), height: try $0.decode(2), bytes: try $0.decode(3)) }
        return document
    }

    private static func record(_ row: PostgresRow) throws -> DocumentRecord {
        guard let status = DocumentStatus(rawValue: try row.decode(3)) else {
            throw DocketError(.internal, "documents holds an unknown status")
        }
        return DocumentRecord(
            id: try row.decode(0), userID: try row.decode(1), filename: try row.decode(2), status: status,
            sizeBytes: Int64(try row.decode(4, as: Int.self)), sha256: try row.decode(5), blobKey: try row.decode(6),
            pageCount: try row.decode(7), pdfVersion: try row.decode(8), title: try row.decode(9),
            author: try row.decode(10), subject: try row.decode(11), keywords: try row.decode(12),
            creator: try row.decode(13), producer: try row.decode(14), createdAtPDF: try row.decode(15),
            modifiedAtPDF: try row.decode(16), encrypted: try row.decode(17), errorCode: try row.decode(18),
            errorMessage: try row.decode(19), createdAt: try row.decode(20)
        )
    }
}
