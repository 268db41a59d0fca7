import BlobStore
import DocketCore
import DocketStore
import Foundation
import Hummingbird
import JobQueue
import UUIDText

/// `/v1/documents…`: the user's documents, their download URLs, reruns of
/// their jobs, and deletion. Another user's id is `not_found`.
struct DocumentRoutes {
    let services: APIServices

    struct DownloadRequest: Decodable {
        var variant: String?
        var page: Int?
    }

    func register(on group: RouterGroup<APIContext>) {
        group.get("documents", use: list)
        group.get("documents/:id", use: show)
        group.delete("documents/:id", use: delete)
        group.post("documents/:id/download-url", use: downloadURL)
        group.post("documents/:id/refresh-info") { try await rerun(.pdfInfo, $0, $1) }
        group.post("documents/:id/regenerate-thumbnail") { try await rerun(.thumbnailCover, $0, $1) }
        group.post("documents/:id/thumbnails") { try await rerun(.thumbnailPages, $0, $1) }
    }

    @Sendable func list(_ request: Request, context: APIContext) async throws -> ListPage<DocumentListItem> {
        let (after, limit) = try Paging.read(request)
        let page = try await services.session(context) { principal, session in
            try Documents.list(userID: principal.userID, after: after, limit: limit + 1, in: session)
        }
        let items = page.prefix(limit).map(DocumentListItem.init)
        return ListPage(items: Array(items), nextAfter: page.count > limit ? items.last?.id : nil)
    }

    @Sendable func show(_ request: Request, context: APIContext) async throws -> DocumentBody {
        let id = try UploadRoutes.id(context)
        return try await services.session(context) { principal, session in
            let document = try Documents.get(id: id, userID: principal.userID, in: session)
            return DocumentBody(document, jobs: try JobLedger.jobs(ofDocument: id, in: session))
        }
    }

    /// A GET URL for the original or a page's thumbnail, valid
    /// `DOCKET_DOWNLOAD_URL_TTL`. A known key asking for an original seen
    /// before is answered from memory (`APICaches`); otherwise one Postgres
    /// hop reads the key, the document row and (for a thumbnail) its page.
    @Sendable func downloadURL(_ request: Request, context: APIContext) async throws -> DownloadURL {
        let id = try UploadRoutes.id(context)
        let raw = try await request.jsonBody()
        // Decoded once, thrown only after the key is checked: a bad key is 401 whatever the body.
        let decoded = Result { try APIJSON.decode(DownloadRequest.self, from: raw) }
        if let principal = try services.knownPrincipal(context) {
            let asked = try decoded.get()
            if asked.variant ?? "original" == "original", let original = services.caches.originals.value(for: id),
               original.userID == principal.userID {
                return downloadURL(original.blobKey, for: principal, request: request)
            }
        }
        let originals = services.caches.originals
        let ticket = originals.ticket()
        let (principal, key) = try await services.session(context) { principal, session -> (Principal, BlobKey) in
            let asked = try decoded.get()
            let document = try Documents.find(id: id, userID: principal.userID, in: session)
            switch asked.variant ?? "original" {
            case "original":
                guard document.status != .uploading, document.status != .deleted else {
                    throw DocketError(.notFound, "the document has no stored file")
                }
                let key = try BlobKey(document.blobKey)
                originals.store(.init(userID: principal.userID, blobKey: key), for: id, ticket: ticket)
                return (principal, key)
            case "thumbnail":
                let page = asked.page ?? 1
                guard page > 0 else { throw DocketError(.invalidInput, "page must be 1 or more") }
                guard document.status != .deleted, try Documents.hasThumbnail(document: id, page: page, in: session) else {
                    throw DocketError(.notFound, "page \(page) has no thumbnail yet")
                }
                return (principal, .thumbnail(user: principal.userID, document: id, page: page))
            default:
                throw DocketError(.invalidInput, "variant must be original or thumbnail")
            }
        }
        return downloadURL(key, for: principal, request: request)
    }

    private func downloadURL(_ key: BlobKey, for principal: Principal, request: Request) -> DownloadURL {
        let ttl = Double(services.settings.downloadURLTTL.components.seconds)
        let expiresAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + ttl).rounded(.down))
        let token = services.keyring.sign(BlobTokenClaims(method: .get, blobKey: key, userID: principal.userID, expiresAt: expiresAt))
        return DownloadURL(url: URLBuilder.blobURL(key, token: token, request: request), expiresAt: expiresAt)
    }

    /// Enqueues `kind` for the document again; a run of it still live is
    /// answered instead of a second one.
    @Sendable func rerun(_ kind: JobKind, _ request: Request, _ context: APIContext) async throws -> Status<DocumentAccepted> {
        let id = try UploadRoutes.id(context)
        let (answer, enqueued) = try await services.transaction(context) { principal, session in
            let document = try Documents.find(id: id, userID: principal.userID, in: session)
            try Documents.requireProcessable(document)
            let enqueued = try JobLedger.enqueue([NewJob(
                kind: kind, payload: Self.payload(document: id, user: principal.userID),
                dedupeKey: id.lowercasedString, documentID: id
            )], in: session)
            let jobs = try JobLedger.jobs(ofDocument: id, in: session).filter { $0.kind == kind }
            let answer = DocumentAccepted(
                documentId: id.lowercasedString, status: document.status.rawValue, jobs: Array(jobs.suffix(1).map(JobBrief.init))
            )
            return (answer, enqueued)
        }
        services.relayBell?.ring(publishing: enqueued)
        return Status(.accepted, answer)
    }

    /// The document becomes a tombstone; `file.delete` (and `quota.release`) do the rest.
    @Sendable func delete(_ request: Request, context: APIContext) async throws -> Status<DocumentAccepted> {
        let id = try UploadRoutes.id(context)
        let (answer, enqueued) = try await services.transaction(context) { principal, session in
            let deletion = try Documents.delete(id: id, userID: principal.userID, in: session)
            var enqueued: [EnqueuedJob] = []
            if case .deleted(let released) = deletion {
                let payload = Self.payload(document: id, user: principal.userID)
                var jobs = [NewJob(kind: .fileDelete, payload: payload, documentID: id)]
                if !released { jobs.append(NewJob(kind: .quotaRelease, payload: payload, documentID: id)) }
                enqueued = try JobLedger.enqueue(jobs, in: session)
            }
            let jobs = try JobLedger.jobs(ofDocument: id, in: session).filter { $0.kind == .fileDelete || $0.kind == .quotaRelease }
            let answer = DocumentAccepted(
                documentId: id.lowercasedString, status: DocumentStatus.deleted.rawValue, jobs: jobs.map(JobBrief.init)
            )
            return (answer, enqueued)
        }
        services.relayBell?.ring(publishing: enqueued)
        return Status(.accepted, answer)
    }

    /// A document job's input: which document, whose.
    static func payload(document: UUID, user: UUID) -> String { DocumentJobPayload.json(document: document, user: user) }
}

/// `?after=&limit=` of every list (CONTRACT.md §2): limit 1…200, default 50.
enum Paging {
    static func read(_ request: Request) throws -> (after: UUID?, limit: Int) {
        let query = request.uri.queryParameters
        var after: UUID?
        if let text = query["after"], !text.isEmpty {
            guard let id = UUID(uuidString: String(text)) else { throw DocketError(.invalidInput, "after must be an id from next_after") }
            after = id
        }
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(String(text)), (1...200).contains(value) else {
                throw DocketError(.invalidInput, "limit must be a whole number from 1 to 200")
            }
            limit = value
        }
        return (after, limit)
    }
}
