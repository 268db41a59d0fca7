import Foundation
import JobQueue
import PDFProcessing
import PostgresClient

/// A thumbnail written to the blob store, to be recorded.
struct ThumbnailRecord: Sendable {
    let page: Int
    let width: Int
    let height: Int
    let bytes: Int
    let key: String

    init(page: Int, image: RenderedImage, key: some CustomStringConvertible) {
        self.page = page
        width = image.width
        height = image.height
        bytes = image.jpeg.count
        self.key = key.description
    }
}

/// What the PDF jobs write to a document, inside the transaction that
/// records their success, and the document's status that follows
/// (CONTRACT.md §4): `ready` once it has its info and its cover, `failed`
/// when either job is dead.
///
/// Each write first locks the document's row: `pdf.info` and
/// `thumbnail.cover` finish in separate transactions, and the one that
/// commits second must see the first's rows to make the document ready.
/// A deleted document is left alone.
enum DocumentWrites {
    static func recordInfo(_ info: PDFInfo, document: UUID, in session: borrowing PostgresSession) throws {
        guard try lock(document, in: session) else { return }
        try session.query(
            """
            UPDATE documents SET page_count = $2, pdf_version = $3, title = $4, author = $5, subject = $6, keywords = $7,
                   creator = $8, producer = $9, created_at_pdf = $10, modified_at_pdf = $11, encrypted = $12, updated_at = now()
            WHERE id = $1
            """,
            document, info.pageCount, info.pdfVersion, info.title, info.author, info.subject, info.keywords,
            info.creator, info.producer, info.createdAt, info.modifiedAt, info.encrypted
        )
        try session.query(
            """
            INSERT INTO document_pages (document_id, number, width_pt, height_pt)
            SELECT $1, number, width, height
            FROM unnest($2::int8[], $3::text[]::float8[], $4::text[]::float8[]) AS p(number, width, height)
            ON CONFLICT (document_id, number) DO UPDATE SET width_pt = EXCLUDED.width_pt, height_pt = EXCLUDED.height_pt
            """,
            document, Array(1...info.pageCount), info.pages.map { String($0.widthPt) }, info.pages.map { String($0.heightPt) }
        )
        try session.query("DELETE FROM document_pages WHERE document_id = $1 AND number > $2", document, info.pageCount)
        try markReadyIfProcessed(document, in: session)
    }

    /// For a document deleted while its thumbnails were being written, the
    /// rows are skipped and another `file.delete` is enqueued: the files
    /// landed after (or while) the first one removed the folder.
    static func recordThumbnails(_ thumbnails: [ThumbnailRecord], document: UUID, in session: borrowing PostgresSession) throws {
        guard let owner = try lockedUser(document, in: session), !thumbnails.isEmpty else { return }
        if owner.deleted {
            try JobLedger.enqueue([NewJob(
                kind: .fileDelete, payload: DocumentJobPayload.json(document: document, user: owner.user),
                dedupeKey: document.uuidString.lowercased(), documentID: document
            )], in: session)
            return
        }
        try session.query(
            """
            INSERT INTO thumbnails (document_id, page, width, height, bytes, blob_key)
            SELECT $1, page, width, height, bytes, key
            FROM unnest($2::int8[], $3::int8[], $4::int8[], $5::int8[], $6::text[]) AS t(page, width, height, bytes, key)
            ON CONFLICT (document_id, page) DO UPDATE SET
                width = EXCLUDED.width, height = EXCLUDED.height, bytes = EXCLUDED.bytes,
                blob_key = EXCLUDED.blob_key, created_at = now()
            """,
            document, thumbnails.map(\.page), thumbnails.map(\.width), thumbnails.map(\.height),
            thumbnails.map(\.bytes), thumbnails.map(\.key)
        )
        try markReadyIfProcessed(document, in: session)
    }

    /// `failed` with the dead job's error, unless the document is past
    /// processing: a rerun that dies leaves a ready document's data as it was.
    static func markFailed(_ document: UUID, code: String, message: String, in session: borrowing PostgresSession) throws {
        try session.query(
            """
            UPDATE documents SET status = 'failed', error_code = $2, error_message = $3, updated_at = now()
            WHERE id = $1 AND status = 'processing'
            """,
            document, code, message
        )
    }

    /// `ready` once the info and the cover are both recorded; a failed
    /// document whose dead job an admin requeued recovers here too.
    private static func markReadyIfProcessed(_ document: UUID, in session: borrowing PostgresSession) throws {
        try session.query(
            """
            UPDATE documents SET status = 'ready', error_code = NULL, error_message = NULL, updated_at = now()
            WHERE id = $1 AND status IN ('processing', 'failed') AND page_count IS NOT NULL
              AND EXISTS (SELECT 1 FROM thumbnails WHERE document_id = $1 AND page = 1)
            """,
            document
        )
    }

    /// Locks the document's row; false when it is gone or deleted.
    private static func lock(_ document: UUID, in session: borrowing PostgresSession) throws -> Bool {
        try lockedUser(document, in: session).map { $0.deleted == false } ?? false
    }

    /// Locks the document's row and says whose it is and whether it is deleted.
    private static func lockedUser(_ document: UUID, in session: borrowing PostgresSession) throws -> (user: UUID, deleted: Bool)? {
        try session.query("SELECT user_id, status = 'deleted' FROM documents WHERE id = $1 FOR UPDATE", document).first.map {
            (try $0.decode(0, as: UUID.self), try $0.decode(1, as: Bool.self))
        }
    }
}
