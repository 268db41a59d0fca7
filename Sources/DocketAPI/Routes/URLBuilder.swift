import BlobStore
import Hummingbird

/// Absolute URLs for blob tokens, on the host the client called: a token
/// URL works only against the API that signed it.
enum URLBuilder {
    static func blobURL(_ key: BlobKey, token: String, request: Request) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        return "http://\(host)/v1/blobs/\(key.path)?token=\(token)"
    }
}
