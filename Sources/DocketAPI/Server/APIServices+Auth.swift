import DocketCore
import DocketStore
import PostgresClient

extension APIServices {
    /// Checks the request's key and runs `body` in the same Postgres hop:
    /// an unknown or revoked key is `unauthorized`; with `role` admin, a
    /// client key is `forbidden`.
    func session<R: Sendable>(
        _ context: APIContext, role: APIKeyRole? = nil,
        _ body: @Sendable (Principal, borrowing PostgresSession) throws -> R
    ) async throws -> R {
        let key = try Self.key(of: context)
        return try await postgres.withSession { session in
            try body(try Self.authenticate(key, role: role, in: session), session)
        }
    }

    /// `session`, inside a transaction (the key is checked in it too).
    func transaction<R: Sendable>(
        _ context: APIContext, role: APIKeyRole? = nil,
        _ body: @Sendable (Principal, borrowing PostgresSession) throws -> R
    ) async throws -> R {
        let key = try Self.key(of: context)
        return try await postgres.transaction { session in
            try body(try Self.authenticate(key, role: role, in: session), session)
        }
    }

    private static func key(of context: APIContext) throws -> APIKeySecret {
        guard let key = context.apiKey else { throw DocketError(.unauthorized, "an API key is required") }
        return key
    }

    private static func authenticate(
        _ key: APIKeySecret, role: APIKeyRole?, in session: borrowing PostgresSession
    ) throws -> Principal {
        guard let principal = try APIKeys.authenticate(key, in: session) else {
            throw DocketError(.unauthorized, "the API key is unknown or revoked")
        }
        if role == .admin, principal.role != .admin { throw DocketError(.forbidden, "this route needs an admin key") }
        return principal
    }
}
