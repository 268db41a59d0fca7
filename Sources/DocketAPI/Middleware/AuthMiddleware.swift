import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// `Authorization: Bearer <api key>` on the routes that need a key. It only
/// reads the key (a missing one is `unauthorized` at once); memory or the
/// route's first Postgres hop checks it (`APIServices.session`/`transaction`),
/// so an authenticated request costs one hop at most, not two.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], let key = Self.bearerKey(header) else {
            throw DocketError(.unauthorized, "send an API key as Authorization: Bearer <key>")
        }
        var context = context
        context.apiKey = APIKeySecret(text: key)
        return try await next(request, context)
    }

    /// What follows `Bearer ` (any case), spaces and tabs trimmed; nil if
    /// the header is not a bearer one. By bytes: Foundation's lowercasing
    /// and trimming cost 4% of token issue.
    static func bearerKey(_ header: String) -> String? {
        let scheme = "bearer ".utf8
        var bytes = Substring(header).utf8
        guard bytes.count >= scheme.count,
              zip(bytes.prefix(scheme.count), scheme).allSatisfy({ (0x41...0x5A ~= $0 ? $0 | 0x20 : $0) == $1 })
        else { return nil }
        bytes = bytes.dropFirst(scheme.count)
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        while let first = bytes.first, blank(first) { bytes = bytes.dropFirst() }
        while let last = bytes.last, blank(last) { bytes = bytes.dropLast() }
        return String(Substring(bytes))
    }
}
