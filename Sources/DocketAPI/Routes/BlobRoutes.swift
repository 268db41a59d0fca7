import BlobStore
import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import UUIDText

/// The presigned-style blob URLs: `PUT /v1/blobs/<user>/<document>/original.pdf`
/// for uploads and `GET`/`HEAD /v1/blobs/<key>` for downloads, each with
/// its own `?token=`; no API key. The blob key comes from the path and must
/// be the one the token was signed for.
struct BlobRoutes {
    let services: APIServices
    static let readChunk = 256 << 10

    func register(on router: Router<APIContext>) {
        router.put("v1/blobs/**", use: upload)
        router.get("v1/blobs/**", use: download)
        router.head("v1/blobs/**", use: download)
    }

    /// Streams the body into the blob store (see `UploadReceiver`), then
    /// records the upload as stored and renames the file into place.
    @Sendable func upload(_ request: Request, context: APIContext) async throws -> Status<UploadStored> {
        let key = try blobKey(request)
        let claims = try services.keyring.verify(try token(request), method: .put, blobKey: key)
        guard let expected = claims.sizeBytes else { throw DocketError(.tokenInvalid, "the token is not an upload token") }
        let documentID = try Self.documentID(of: key)
        let upload = try await services.postgres.withSession {
            try Uploads.find(documentID: documentID, userID: claims.userID, in: $0)
        }
        try Uploads.requireReceivable(upload)
        if let declared = request.headers[.contentLength].flatMap({ Int64($0) }), declared > expected {
            throw DocketError(.bodyTooLarge, "Content-Length \(declared) is over the declared size_bytes \(expected)")
        }
        let blobs = services.blobs
        let file = try await services.onDisk { UploadFile(try blobs.stage(key), expectedBytes: expected) }
        do {
            context.continueBody()
            let started = ContinuousClock.now
            let sha256 = try await UploadReceiver(expectedBytes: expected, timeout: services.settings.bodyTimeout)
                .receive(request.body, into: file)
            let received = ContinuousClock.now
            try await services.postgres.transaction {
                try Uploads.markStored(documentID: documentID, userID: claims.userID, sha256: sha256, in: $0)
            }
            do {
                try await services.onDisk { try file.commit() }
            } catch {
                try? await services.postgres.transaction { try Uploads.unstore(documentID: documentID, in: $0) }
                throw error
            }
            context.logger.info("upload stored", metadata: [
                "upload.id": "\(upload.id)", "upload.bytes": "\(expected)",
                "upload.receive_ms": "\((received - started).wholeMilliseconds)",
                "upload.commit_ms": "\((ContinuousClock.now - received).wholeMilliseconds)",
            ])
            services.metrics.recordUpload(outcome: "ok")
            return Status(.created, UploadStored(uploadId: upload.id.lowercasedString, sizeBytes: expected, sha256: sha256))
        } catch {
            // Counted before the staged bytes go: whoever sees them gone sees the count.
            let code = (error as? DocketError)?.code ?? ProblemMiddleware.classify(error).code
            services.metrics.recordUpload(outcome: code.rawValue)
            try? await services.onDisk { file.abort() }
            if code == .networkAbort {
                context.logger.notice("upload aborted by the client", metadata: ["upload.id": "\(upload.id)"])
            }
            throw error
        }
    }

    /// The blob's bytes, or the range asked for (206); `HEAD` sends the headers only.
    @Sendable func download(_ request: Request, context: APIContext) async throws -> Response {
        let key = try blobKey(request)
        _ = try services.keyring.verify(try token(request), method: .get, blobKey: key)
        let blobs = services.blobs
        let reader: BlobReader
        do {
            reader = try await services.onDisk { try blobs.open(key) }
        } catch let error as BlobStoreError where error.code == .notFound {
            throw DocketError(.notFound, "the blob no longer exists")
        }
        var headers: HTTPFields = [
            .contentType: key.path.hasSuffix(".jpg") ? "image/jpeg" : "application/pdf",
            .eTag: "\"\(reader.size)-\(Int64(reader.modifiedAt.timeIntervalSince1970 * 1000))\"",
            .acceptRanges: "bytes",
            .cacheControl: "private, max-age=60",
        ]
        var status = HTTPResponse.Status.ok
        let asked = ByteRange(header: request.headers[.range], size: reader.size)
        if let asked {
            status = .partialContent
            headers[.contentRange] = "bytes \(asked.offset)-\(asked.last)/\(reader.size)"
        }
        let range = asked ?? ByteRange(offset: 0, length: reader.size)
        headers[.contentLength] = String(range.length)
        if request.method == .head {
            return Response(status: status, headers: headers, body: ResponseBody())
        }
        let services = self.services
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: Int(range.length)) { writer in
            var offset = range.offset
            let end = range.offset + range.length
            while offset < end {
                let (at, count) = (offset, Int(min(Int64(Self.readChunk), end - offset)))
                let bytes = try await services.onDisk { try reader.read(offset: at, count: count) }
                guard !bytes.isEmpty else { break }
                try await writer.write(ByteBuffer(bytes: bytes))
                offset += Int64(bytes.count)
            }
            try await writer.finish(nil)
        })
    }

    private func token(_ request: Request) throws -> String {
        guard let token = request.uri.queryParameters["token"], !token.isEmpty else {
            throw DocketError(.tokenInvalid, "the URL carries no token")
        }
        return String(token)
    }

    private func blobKey(_ request: Request) throws -> BlobKey {
        let path = request.uri.path
        let prefix = "/v1/blobs/"
        guard path.hasPrefix(prefix), let key = try? BlobKey(String(path.dropFirst(prefix.count))) else {
            throw DocketError(.notFound, "no such blob")
        }
        return key
    }

    /// The document of an original's key, `<user>/<document>/original.pdf`:
    /// the only blobs a client uploads.
    static func documentID(of key: BlobKey) throws -> UUID {
        let segments = key.path.split(separator: "/")
        guard segments.count == 3, segments[2] == "original.pdf", let id = UUID(uuidString: String(segments[1])) else {
            throw DocketError(.notFound, "no such blob")
        }
        return id
    }
}
