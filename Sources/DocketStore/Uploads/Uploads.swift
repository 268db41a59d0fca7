import DocketCore
import Foundation
import PostgresClient

/// Pending uploads and the quota they reserve (DESIGN.md "Uploads and
/// quota"). Every function takes the caller's session; the API runs each in
/// one transaction, with the jobs a completion writes in the same one.
public enum Uploads {
    /// What `complete` found.
    public enum Completion: Sendable, Equatable {
        /// Completed now: the caller writes the document's jobs in this transaction.
        case completed(documentID: UUID, sizeBytes: Int64)
        /// Completed before: answer as the first time, write nothing.
        case alreadyCompleted(documentID: UUID)
        /// Past its expiry: expired now, reservation released; answer 410.
        case expired
    }

    /// Reserves `request.sizeBytes` of the user's quota and creates the
    /// pending upload and its document. `used + reserved ≤ quota` is held
    /// by one conditional UPDATE: concurrent reservations queue on the
    /// user's row and each sees the others' bytes.
    public static func create(
        _ request: UploadRequest, userID: UUID, documentID: UUID, blobKey: String,
        maxBytes: Int64, ttl: Duration, in session: borrowing PostgresSession
    ) throws -> PendingUpload {
        try request.validate(maxBytes: maxBytes)
        let reserved = try session.query(
            """
            UPDATE users SET reserved_bytes = reserved_bytes + $2
            WHERE id = $1 AND used_bytes + reserved_bytes + $2 <= quota_bytes RETURNING id
            """,
            userID, Int(request.sizeBytes)
        )
        guard !reserved.isEmpty else {
            let quota = try Quota.read(userID: userID, in: session)
            throw DocketError(
                .quotaExceeded,
                "\(request.sizeBytes) bytes more would pass the quota of \(quota.limitBytes) bytes "
                    + "(\(quota.usedBytes) used, \(quota.reservedBytes) reserved)"
            )
        }
        let uploadID = UUIDv7.make()
        let row = try session.query(
            """
            WITH d AS (
                INSERT INTO documents (id, user_id, filename, size_bytes, blob_key) VALUES ($2, $3, $4, $5, $6)
            )
            INSERT INTO uploads (id, user_id, document_id, content_type, size_bytes, expires_at)
            VALUES ($1, $3, $2, $7, $5, now() + make_interval(secs => $8))
            RETURNING expires_at
            """,
            uploadID, documentID, userID, request.filename, Int(request.sizeBytes), blobKey,
            request.contentType.lowercased(), Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        ).first!
        return PendingUpload(
            id: uploadID, documentID: documentID, userID: userID, sizeBytes: request.sizeBytes,
            blobKey: blobKey, state: .pending, isStored: false, expiresAt: try row.decode(0)
        )
    }

    /// The user's upload of `documentID`; `not_found` for anyone else's.
    public static func find(documentID: UUID, userID: UUID, in session: borrowing PostgresSession) throws -> PendingUpload {
        try fetch("document_id = $1 AND u.user_id = $2", documentID, userID, lock: false, in: session)
    }

    /// Checks that bytes may still be sent to `upload`: pending, not stored
    /// yet (a token uploads once), not expired.
    public static func requireReceivable(_ upload: PendingUpload, now: Date = Date()) throws(DocketError) {
        switch upload.state {
        case .completed, .cancelled:
            throw DocketError(.conflict, "the upload is already \(upload.state.rawValue)")
        case .expired:
            throw DocketError(.uploadExpired, "the upload expired; its reservation was released")
        case .pending:
            if upload.expiresAt <= now { throw DocketError(.uploadExpired, "the upload expired at its expires_at") }
            if upload.isStored { throw DocketError(.conflict, "the upload token was already used") }
        }
    }

    /// Records that every byte is stored, before the file is renamed into
    /// place: of two PUTs racing with one token, one wins here and the
    /// other is told `conflict`. `unstore` undoes it if the rename fails.
    public static func markStored(
        documentID: UUID, userID: UUID, sha256: String, in session: borrowing PostgresSession
    ) throws {
        let rows = try session.query(
            """
            WITH u AS (
                UPDATE uploads SET token_used_at = now(), stored_at = now(), sha256 = $3
                WHERE document_id = $1 AND user_id = $2 AND state = 'pending'
                  AND token_used_at IS NULL AND expires_at > now()
                RETURNING document_id
            )
            UPDATE documents d SET sha256 = $3, updated_at = now() FROM u WHERE d.id = u.document_id RETURNING d.id
            """,
            documentID, userID, sha256
        )
        if rows.isEmpty {
            try requireReceivable(try find(documentID: documentID, userID: userID, in: session))
            throw DocketError(.conflict, "the upload changed while its bytes arrived")
        }
    }

    /// Takes back `markStored` when the file could not be put in place.
    public static func unstore(documentID: UUID, in session: borrowing PostgresSession) throws {
        try session.query(
            "UPDATE uploads SET token_used_at = NULL, stored_at = NULL, sha256 = NULL WHERE document_id = $1 AND state = 'pending'",
            documentID
        )
    }

    /// Completes the upload: the document goes `processing`; the caller
    /// writes its jobs in the same transaction. Completing twice answers
    /// the same and writes nothing; the quota is re-checked (an admin may
    /// have lowered it since the reservation).
    public static func complete(uploadID: UUID, userID: UUID, in session: borrowing PostgresSession) throws -> Completion {
        let upload = try fetch("u.id = $1 AND u.user_id = $2", uploadID, userID, lock: true, in: session)
        switch upload.state {
        case .completed: return .alreadyCompleted(documentID: upload.documentID)
        case .cancelled: throw DocketError(.conflict, "the upload was cancelled")
        case .expired: return .expired
        case .pending: break
        }
        if upload.expiresAt <= Date() {
            try finish(upload, as: .expired, in: session)
            return .expired
        }
        guard upload.isStored else { throw DocketError(.conflict, "the file has not been uploaded yet") }
        let quota = try Quota.read(userID: userID, lock: true, in: session)
        guard quota.usedBytes + quota.reservedBytes <= quota.limitBytes else {
            throw DocketError(.quotaExceeded, "the quota was lowered to \(quota.limitBytes) bytes after this upload began")
        }
        try session.query(
            """
            WITH u AS (UPDATE uploads SET state = 'completed', finished_at = now() WHERE id = $1)
            UPDATE documents SET status = 'processing', updated_at = now() WHERE id = $2
            """,
            upload.id, upload.documentID
        )
        return .completed(documentID: upload.documentID, sizeBytes: upload.sizeBytes)
    }

    /// Cancels a pending upload and releases its reservation; the caller
    /// removes the stored file, if any. Returns the upload as it was.
    public static func cancel(uploadID: UUID, userID: UUID, in session: borrowing PostgresSession) throws -> PendingUpload {
        let upload = try fetch("u.id = $1 AND u.user_id = $2", uploadID, userID, lock: true, in: session)
        switch upload.state {
        case .completed, .cancelled: throw DocketError(.conflict, "the upload is already \(upload.state.rawValue)")
        case .expired: throw DocketError(.uploadExpired, "the upload expired; its reservation was released")
        case .pending: try finish(upload, as: .cancelled, in: session)
        }
        return upload
    }

    /// Expires up to `limit` pending uploads past their `expires_at` (the
    /// pending-uploads sweep), releasing each reservation in this
    /// transaction; rows another sweeper holds are skipped, not waited for.
    /// Returns them as they were, for their stored bytes to be removed.
    public static func expireDue(limit: Int, now: Date = Date(), in session: borrowing PostgresSession) throws -> [PendingUpload] {
        let rows = try session.query(
            """
            SELECT u.id, u.document_id, u.user_id, u.size_bytes, d.blob_key, u.state, u.stored_at IS NOT NULL, u.expires_at
            FROM uploads u JOIN documents d ON d.id = u.document_id
            WHERE u.state = 'pending' AND u.expires_at <= $1
            ORDER BY u.expires_at LIMIT $2 FOR UPDATE OF u SKIP LOCKED
            """,
            now, limit
        )
        let due = try rows.map(pending)
        for upload in due { try finish(upload, as: .expired, in: session) }
        return due
    }

    /// Ends a pending upload without a document: the reservation is given
    /// back in the same transaction as the state change, so exactly once.
    static func finish(_ upload: PendingUpload, as state: UploadState, in session: borrowing PostgresSession) throws {
        try session.query(
            """
            WITH u AS (UPDATE uploads SET state = $2, finished_at = now() WHERE id = $1),
                 d AS (UPDATE documents SET status = 'deleted', quota_state = 'released', updated_at = now() WHERE id = $3)
            UPDATE users SET reserved_bytes = reserved_bytes - $4 WHERE id = $5
            """,
            upload.id, state.rawValue, upload.documentID, Int(upload.sizeBytes), upload.userID
        )
    }

    private static func fetch(
        _ condition: String, _ first: UUID, _ userID: UUID, lock: Bool, in session: borrowing PostgresSession
    ) throws -> PendingUpload {
        guard let row = try session.query(
            """
            SELECT u.id, u.document_id, u.user_id, u.size_bytes, d.blob_key, u.state, u.stored_at IS NOT NULL, u.expires_at
            FROM uploads u JOIN documents d ON d.id = u.document_id WHERE \(condition)\(lock ? " FOR UPDATE OF u" : "")
            """,
            first, userID
        ).first else { throw DocketError(.notFound, "no such upload") }
        return try pending(row)
    }

    /// A row of `u.id, u.document_id, u.user_id, u.size_bytes, d.blob_key, u.state, stored, u.expires_at`.
    private static func pending(_ row: PostgresRow) throws -> PendingUpload {
        guard let state = UploadState(rawValue: try row.decode(5)) else {
            throw DocketError(.internal, "uploads holds an unknown state")
        }
        return PendingUpload(
            id: try row.decode(0), documentID: try row.decode(1), userID: try row.decode(2),
            sizeBytes: Int64(try row.decode(3, as: Int.self)), blobKey: try row.decode(4), state: state,
            isStored: try row.decode(6), expiresAt: try row.decode(7)
        )
    }
}
