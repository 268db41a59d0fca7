import BlobStore
import DocketCore
import DocketStore
import Foundation
import Hummingbird
import JobQueue
import PostgresClient
import UUIDText

/// `POST /v1/uploads`, `…/{id}/complete`, `…/{id}/cancel`: the client half
/// of an upload. The bytes themselves go to `BlobRoutes` with a token.
struct UploadRoutes {
    let services: APIServices

    func register(on group: RouterGroup<APIContext>) {
        group.post("uploads", use: create)
        group.post("uploads/:id/complete", use: complete)
        group.post("uploads/:id/cancel", use: cancel)
    }

    /// Validates, reserves the quota and creates the upload and its
    /// document in one transaction; answers with a PUT URL for the bytes.
    @Sendable func create(_ request: Request, context: APIContext) async throws -> Status<UploadCreated> {
        let principal = try context.requirePrincipal()
        let body = try await request.decodeJSON(as: UploadRequest.self)
        let documentID = UUIDv7.make()
        let key = BlobKey.original(user: principal.userID, document: documentID)
        let settings = services.settings
        let upload = try await services.postgres.transaction { session in
            try Uploads.create(
                body, userID: principal.userID, documentID: documentID, blobKey: key.path,
                maxBytes: settings.maxUploadBytes, ttl: settings.uploadTTL, in: session
            )
        }
        let token = services.keyring.sign(BlobTokenClaims(
            method: .put, blobKey: key, userID: principal.userID, sizeBytes: upload.sizeBytes, expiresAt: upload.expiresAt
        ))
        context.logger.info("upload created", metadata: ["upload.id": "\(upload.id)", "upload.bytes": "\(upload.sizeBytes)"])
        return Status(.created, UploadCreated(
            uploadId: upload.id.lowercasedString, documentId: documentID.lowercasedString, uploadUrl: URLBuilder.blobURL(key, token: token, request: request),
            method: "PUT", expiresAt: upload.expiresAt, maxBytes: upload.sizeBytes
        ))
    }

    /// One transaction: the upload completed, the document `processing`,
    /// and its jobs in the ledger. Completing again answers the same.
    @Sendable func complete(_ request: Request, context: APIContext) async throws -> Status<DocumentAccepted> {
        let principal = try context.requirePrincipal()
        let uploadID = try Self.id(context)
        let outcome = try await services.postgres.transaction { session -> DocumentAccepted? in
            switch try Uploads.complete(uploadID: uploadID, userID: principal.userID, in: session) {
            case .expired:
                return nil
            case .completed(let documentID, let size):
                try JobLedger.enqueue(Self.firstJobs(document: documentID, user: principal.userID, upload: uploadID, size: size), in: session)
                return DocumentAccepted(
                    documentId: documentID.lowercasedString, status: DocumentStatus.processing.rawValue,
                    jobs: try JobLedger.jobs(ofDocument: documentID, in: session).map(JobBrief.init)
                )
            case .alreadyCompleted(let documentID):
                let document = try Documents.get(id: documentID, userID: principal.userID, in: session)
                return DocumentAccepted(
                    documentId: documentID.lowercasedString, status: document.status.rawValue,
                    jobs: try JobLedger.jobs(ofDocument: documentID, in: session).map(JobBrief.init)
                )
            }
        }
        guard let outcome else { throw DocketError(.uploadExpired, "the upload expired; its reservation was released") }
        services.relayBell?.ring()
        return Status(.accepted, outcome)
    }

    /// Cancels a pending upload: the reservation is released and stored bytes removed.
    @Sendable func cancel(_ request: Request, context: APIContext) async throws -> UploadCancelled {
        let principal = try context.requirePrincipal()
        let uploadID = try Self.id(context)
        let upload = try await services.postgres.transaction { session in
            try Uploads.cancel(uploadID: uploadID, userID: principal.userID, in: session)
        }
        let blobs = services.blobs
        let key = try BlobKey(upload.blobKey)
        try await services.onDisk { try blobs.delete(key) }
        return UploadCancelled(uploadId: uploadID.lowercasedString, state: UploadState.cancelled.rawValue)
    }

    /// `pdf.info`, `thumbnail.cover` and `quota.settle` (CONTRACT.md §4).
    static func firstJobs(document: UUID, user: UUID, upload: UUID, size: Int64) -> [NewJob] {
        let ids = "\"document_id\": \"\(document.uuidString.lowercased())\", \"user_id\": \"\(user.uuidString.lowercased())\""
        return [
            NewJob(kind: .pdfInfo, payload: "{\(ids)}", documentID: document),
            NewJob(kind: .thumbnailCover, payload: "{\(ids)}", documentID: document),
            NewJob(
                kind: .quotaSettle,
                payload: "{\(ids), \"upload_id\": \"\(upload.uuidString.lowercased())\", \"reserved_bytes\": \(size)}",
                documentID: document
            ),
        ]
    }

    static func id(_ context: APIContext, _ name: String = "id") throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw DocketError(.invalidInput, "\(name) must be a UUID")
        }
        return id
    }
}
