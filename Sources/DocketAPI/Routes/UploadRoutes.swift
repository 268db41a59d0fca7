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
    /// Honours `Idempotency-Key`.
    @Sendable func create(_ request: Request, context: APIContext) async throws -> Response {
        let raw = try await request.jsonBody()
        let (services, settings) = (self.services, self.services.settings)
        let idempotent = IdempotentRoute(services: services, scope: "POST /v1/uploads")
        return try await idempotent.respond(to: request, context: context, body: raw) { recorder in
            let documentID = UUIDv7.make()
            return try await services.transaction(context) { principal, session in
                let body = try APIJSON.decode(UploadRequest.self, from: raw)
                let key = BlobKey.original(user: principal.userID, document: documentID)
                let upload = try Uploads.create(
                    body, userID: principal.userID, documentID: documentID, blobKey: key.path,
                    maxBytes: settings.maxUploadBytes, ttl: settings.uploadTTL, in: session
                )
                let token = services.keyring.sign(BlobTokenClaims(
                    method: .put, blobKey: key, userID: principal.userID, sizeBytes: upload.sizeBytes, expiresAt: upload.expiresAt
                ))
                let answer = try APIJSON.encoder.encode(UploadCreated(
                    uploadId: upload.id.lowercasedString, documentId: documentID.lowercasedString,
                    uploadUrl: URLBuilder.blobURL(key, token: token, request: request),
                    method: "PUT", expiresAt: upload.expiresAt, maxBytes: upload.sizeBytes
                ))
                try recorder.record(.created, answer, for: principal, in: session)
                return (.created, answer)
            }
        }
    }

    /// One transaction: the upload completed, the document `processing`,
    /// and its jobs in the ledger. Completing again answers the same.
    /// Honours `Idempotency-Key`.
    @Sendable func complete(_ request: Request, context: APIContext) async throws -> Response {
        let uploadID = try Self.id(context)
        let raw = try await request.jsonBody()
        let services = self.services
        let idempotent = IdempotentRoute(services: services, scope: "POST /v1/uploads/{id}/complete")
        let response = try await idempotent.respond(to: request, context: context, body: raw) { recorder in
            let written = try await services.transaction(context) { principal, session -> (Data, [EnqueuedJob])? in
                let accepted: DocumentAccepted
                var enqueued: [EnqueuedJob] = []
                switch try Uploads.complete(uploadID: uploadID, userID: principal.userID, in: session) {
                case .expired:
                    return nil
                case .completed(let documentID, let size):
                    enqueued = try JobLedger.enqueue(
                        Self.firstJobs(document: documentID, user: principal.userID, upload: uploadID, size: size), in: session
                    )
                    accepted = DocumentAccepted(
                        documentId: documentID.lowercasedString, status: DocumentStatus.processing.rawValue,
                        jobs: try JobLedger.jobs(ofDocument: documentID, in: session).map(JobBrief.init)
                    )
                case .alreadyCompleted(let documentID):
                    let document = try Documents.find(id: documentID, userID: principal.userID, in: session)
                    accepted = DocumentAccepted(
                        documentId: documentID.lowercasedString, status: document.status.rawValue,
                        jobs: try JobLedger.jobs(ofDocument: documentID, in: session).map(JobBrief.init)
                    )
                }
                let answer = try APIJSON.encoder.encode(accepted)
                try recorder.record(.accepted, answer, for: principal, in: session)
                return (answer, enqueued)
            }
            // The expiry was committed (the reservation released); now say so.
            guard let (answer, enqueued) = written else {
                throw DocketError(.uploadExpired, "the upload expired; its reservation was released")
            }
            services.relayBell?.ring(publishing: enqueued)
            return (.accepted, answer)
        }
        return response
    }

    /// Cancels a pending upload: the reservation is released and stored bytes removed.
    @Sendable func cancel(_ request: Request, context: APIContext) async throws -> UploadCancelled {
        let uploadID = try Self.id(context)
        let upload = try await services.transaction(context) { principal, session in
            try Uploads.cancel(uploadID: uploadID, userID: principal.userID, in: session)
        }
        let blobs = services.blobs
        let key = try BlobKey(upload.blobKey)
        _ = try await services.onDisk { try blobs.delete(key) }
        return UploadCancelled(uploadId: uploadID.lowercasedString, state: UploadState.cancelled.rawValue)
    }

    /// `pdf.info`, `thumbnail.cover` and `quota.settle` (CONTRACT.md §4).
    static func firstJobs(document: UUID, user: UUID, upload: UUID, size: Int64) -> [NewJob] {
        let ids = DocumentRoutes.payload(document: document, user: user)
        let settle = ids.dropLast() + #", "upload_id": "\#(upload.lowercasedString)", "reserved_bytes": \#(size)}"#
        return [
            NewJob(kind: .pdfInfo, payload: ids, documentID: document),
            NewJob(kind: .thumbnailCover, payload: ids, documentID: document),
            NewJob(kind: .quotaSettle, payload: String(settle), documentID: document),
        ]
    }

    static func id(_ context: APIContext, _ name: String = "id") throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(text: text) else {
            throw DocketError(.invalidInput, "\(name) must be a UUID")
        }
        return id
    }
}
