import DocketCore
import Foundation
import DocketStore
import Hummingbird
import PostgresClient

/// `Authorization: Bearer <api key>` on the routes that need a key: a
/// missing, unknown or revoked key is `unauthorized`; with `requiredRole`
/// admin, a client key is `forbidden`. One Postgres hop per request.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let postgres: PostgresPool
    var requiredRole: APIKeyRole?

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw DocketError(.unauthorized, "send an API key as Authorization: Bearer <key>")
        }
        let secret = APIKeySecret(text: String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        guard let principal = try await postgres.withSession({ try APIKeys.authenticate(secret, in: $0) }) else {
            throw DocketError(.unauthorized, "the API key is unknown or revoked")
        }
        if requiredRole == .admin, principal.role != .admin {
            throw DocketError(.forbidden, "this route needs an admin key")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "user.id"] = "\(principal.userID)"
        return try await next(request, context)
    }
}
