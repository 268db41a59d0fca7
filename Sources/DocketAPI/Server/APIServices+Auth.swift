import DocketCore
import DocketStore
import Foundation
import PostgresClient

extension APIServices {
    /// Checks the request's key and runs `body` in the same Postgres hop:
    /// an unknown or revoked key is `unauthorized`; with `role` admin, a
    /// client key is `forbidden`. A key seen before is checked in memory
    /// (`APICaches`), so the hop runs only `body`.
    func session<R: Sendable>(
        _ context: APIContext, role: APIKeyRole? = nil,
        _ body: @Sendable (Principal, borrowing PostgresSession) throws -> R
    ) async throws -> R {
        try await authenticated(context, role: role, inTransaction: false, body)
    }

    /// `session`, inside a transaction (an unknown key is checked in it too).
    func transaction<R: Sendable>(
        _ context: APIContext, role: APIKeyRole? = nil,
        _ body: @Sendable (Principal, borrowing PostgresSession) throws -> R
    ) async throws -> R {
        try await authenticated(context, role: role, inTransaction: true, body)
    }

    /// Runs `body` in one Postgres hop, with the key checked from memory
    /// or, for a key not seen before, in that hop and then remembered.
    private func authenticated<R: Sendable>(
        _ context: APIContext, role: APIKeyRole?, inTransaction: Bool,
        _ body: @Sendable (Principal, borrowing PostgresSession) throws -> R
    ) async throws -> R {
        let (key, known, ticket) = try prepare(context, role: role)
        let (principal, result) = inTransaction
            ? try await postgres.transaction { try Self.run(body, key: key, known: known, role: role, in: $0) }
            : try await postgres.withSession { try Self.run(body, key: key, known: known, role: role, in: $0) }
        if known == nil { caches.principals.store(principal, for: key.sha256, ticket: ticket) }
        return result
    }

    private static func run<R: Sendable>(
        _ body: @Sendable (Principal, borrowing PostgresSession) throws -> R,
        key: APIKeySecret, known: Principal?, role: APIKeyRole?, in session: borrowing PostgresSession
    ) throws -> (Principal, R) {
        let principal = try known ?? authenticate(key, role: role, in: session)
        return (principal, try body(principal, session))
    }

    /// The principal of a key seen before, without Postgres; nil when it
    /// must be looked up. A known key with the wrong role is `forbidden`.
    func knownPrincipal(_ context: APIContext, role: APIKeyRole? = nil) throws -> Principal? {
        try prepare(context, role: role).known
    }

    private func prepare(
        _ context: APIContext, role: APIKeyRole?
    ) throws -> (key: APIKeySecret, known: Principal?, ticket: NotifiedCache<Data, Principal>.Ticket) {
        guard let key = context.apiKey else { throw DocketError(.unauthorized, "an API key is required") }
        let ticket = caches.principals.ticket()
        guard let known = caches.principals.value(for: key.sha256) else { return (key, nil, ticket) }
        try Self.require(role, of: known)
        return (key, known, ticket)
    }

    private static func authenticate(
        _ key: APIKeySecret, role: APIKeyRole?, in session: borrowing PostgresSession
    ) throws -> Principal {
        guard let principal = try APIKeys.authenticate(key, in: session) else {
            throw DocketError(.unauthorized, "the API key is unknown or revoked")
        }
        try require(role, of: principal)
        return principal
    }

    private static func require(_ role: APIKeyRole?, of principal: Principal) throws {
        if role == .admin, principal.role != .admin { throw DocketError(.forbidden, "this route needs an admin key") }
    }
}
