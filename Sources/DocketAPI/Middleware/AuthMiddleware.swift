import DocketCore
import DocketStore
import Foundation
import Hummingbird

/// `Authorization: Bearer <api key>` on the routes that need a key. It only
/// reads the key (a missing one is `unauthorized` at once); the route's
/// first Postgres hop checks it (`APIServices.session`/`transaction`), so
/// an authenticated request costs one hop, not two.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw DocketError(.unauthorized, "send an API key as Authorization: Bearer <key>")
        }
        var context = context
        context.apiKey = APIKeySecret(text: String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        return try await next(request, context)
    }
}
