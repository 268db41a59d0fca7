import BlobStore
import Hummingbird

/// Absolute URLs for blob tokens, on the host the client called: a token
/// URL works only against the API that signed it. Behind a TLS-terminating
/// proxy that says `X-Forwarded-Proto: https` they are https URLs, so a
/// browser page served over https can use them (no mixed content).
enum URLBuilder {
    static func blobURL(_ key: BlobKey, token: String, request: Request) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        return "\(scheme(request))://\(host)/v1/blobs/\(key.path)?token=\(token)"
    }

    static func scheme(_ request: Request) -> String {
        request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https" ? "https" : "http"
    }
}
