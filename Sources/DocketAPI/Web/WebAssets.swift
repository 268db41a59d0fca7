import Foundation
import Hummingbird

/// The static files of the web pages (Resources/web), read once at start:
/// the upload page at `/`, its script and style and the dashboard's at
/// `/web/<file>`. Only the files listed here are served.
struct WebAssets: Sendable {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
    }

    static let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"]
    static let served = ["index.html", "upload.js", "upload.css", "admin.js", "admin.css"]

    let assets: [String: Asset]

    static let bundled = WebAssets(directory: Bundle.module.url(forResource: "web", withExtension: nil))

    init(directory: URL?) {
        var assets: [String: Asset] = [:]
        for name in Self.served {
            guard let url = directory?.appendingPathComponent(name), let data = try? Data(contentsOf: url) else { continue }
            assets[name] = Asset(body: ByteBuffer(bytes: data), contentType: Self.types[url.pathExtension] ?? "application/octet-stream")
        }
        self.assets = assets
    }

    func register(on router: Router<APIContext>) {
        router.get("/") { _, _ in try serve("index.html") }
        router.get("web/:file") { _, context in try serve(context.parameters.get("file") ?? "") }
    }

    /// Scripts and styles may be cached briefly; they are small.
    func serve(_ name: String) throws -> Response {
        guard let asset = assets[name] else { throw HTTPError(.notFound) }
        var headers = HTMLResponse.securityHeaders
        headers[.contentType] = asset.contentType
        if !name.hasSuffix(".html") { headers[.cacheControl] = "max-age=60" }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.body))
    }
}
