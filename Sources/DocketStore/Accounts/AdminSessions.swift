import Crypto
import DocketCore
import Foundation
import PostgresClient

/// Sessions of the /admin dashboard, opened with an admin key. The cookie
/// holds a random secret; Postgres holds its SHA-256, so every API replica
/// sees every session and a leaked table opens none.
public enum AdminSessions {
    /// A session's secret (the cookie's value) and the CSRF token its forms carry.
    public struct Opened: Sendable {
        public let secret: String
        public let principal: Principal
    }

    /// Opens a session for `key` when it is a live admin key; nil otherwise
    /// (a client key gets no session). Expired sessions are cleared on the way.
    public static func open(
        with key: APIKeySecret, lifetime: Duration, in session: borrowing PostgresSession
    ) throws -> Opened? {
        guard let principal = try APIKeys.authenticate(key, in: session), principal.role == .admin else { return nil }
        let secret = "ds_" + Base64URL.encode(SecureRandom.bytes(32))
        try deleteExpired(in: session)
        try session.query(
            "INSERT INTO admin_sessions (secret_sha256, api_key_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))",
            hash(secret), principal.keyID, Double(lifetime.components.seconds)
        )
        return Opened(secret: secret, principal: principal)
    }

    /// The admin behind a session secret, if the session is open and its key
    /// is still an unrevoked admin key.
    public static func principal(for secret: String, in session: borrowing PostgresSession) throws -> Principal? {
        guard secret.hasPrefix("ds_"), secret.utf8.count < 128 else { return nil }
        guard let row = try session.query(
            """
            SELECT k.id, k.user_id, u.name FROM admin_sessions s
            JOIN api_keys k ON k.id = s.api_key_id JOIN users u ON u.id = k.user_id
            WHERE s.secret_sha256 = $1 AND s.expires_at > now() AND k.revoked_at IS NULL AND k.role = 'admin'
            """,
            hash(secret)
        ).first else { return nil }
        return Principal(keyID: try row.decode(0), userID: try row.decode(1), userName: try row.decode(2), role: .admin)
    }

    /// Deletes sessions past their expiry (at each login, and by the
    /// sweeper's `expired_sessions` sweep); returns how many.
    @discardableResult
    public static func deleteExpired(in session: borrowing PostgresSession) throws -> Int {
        try session.query("DELETE FROM admin_sessions WHERE expires_at < now()").affectedRows
    }

    /// Ends a session (log out). Unknown secrets are fine.
    public static func close(_ secret: String, in session: borrowing PostgresSession) throws {
        try session.query("DELETE FROM admin_sessions WHERE secret_sha256 = $1", hash(secret))
    }

    /// The token a session's forms must carry: derived from the secret, which
    /// only the HttpOnly cookie holds, so another site cannot know it.
    public static func csrfToken(for secret: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array("docket-admin-csrf:\(secret)".utf8))))
    }

    static func hash(_ secret: String) -> Data { Data(SHA256.hash(data: Array(secret.utf8))) }
}
