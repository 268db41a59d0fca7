import DocketCore
import Foundation
import PostgresClient

/// Users and their API keys (`users`, `api_keys`). Every function takes the
/// caller's session, so a key can be made in the same transaction as
/// anything else. Used by `docketctl keys` and by the API's authentication.
public enum APIKeys {
    /// A key just made: the secret is in here and nowhere else.
    public struct Created: Sendable {
        public let record: APIKeyRecord
        public let secret: APIKeySecret
        public let quotaBytes: Int
    }

    public enum Revocation: Sendable, Equatable {
        case revoked
        case wasAlreadyRevoked
    }

    /// Makes a key for the user called `userName`, creating the user if
    /// there is none. `quotaBytes`, when given, sets the user's quota (new
    /// or not); a new user without it gets `defaultQuotaBytes`.
    public static func create(
        userName: String, role: APIKeyRole, quotaBytes: Int?, defaultQuotaBytes: Int,
        in session: borrowing PostgresSession
    ) throws -> Created {
        try validate(userName: userName)
        if let quotaBytes, quotaBytes < 0 { throw DocketError(.invalidInput, "quota must be 0 bytes or more") }
        let secret = APIKeySecret.generate()
        let row = try session.query(
            """
            WITH u AS (
                INSERT INTO users (id, name, quota_bytes) VALUES ($1, $2, COALESCE($3::int8, $4::int8))
                ON CONFLICT (name) DO UPDATE SET quota_bytes = COALESCE($3::int8, users.quota_bytes)
                RETURNING id, quota_bytes
            ), k AS (
                INSERT INTO api_keys (id, user_id, role, key_sha256) SELECT $5, id, $6, $7 FROM u
                RETURNING id, created_at
            )
            SELECT k.id, u.id, u.quota_bytes, k.created_at FROM k, u
            """,
            UUIDv7.make(), userName, quotaBytes, defaultQuotaBytes, UUIDv7.make(), role.rawValue, secret.sha256
        ).first!
        let record = APIKeyRecord(
            id: try row.decode(0), userID: try row.decode(1), userName: userName, role: role,
            createdAt: try row.decode(3), revokedAt: nil
        )
        return Created(record: record, secret: secret, quotaBytes: try row.decode(2))
    }

    /// Every key, oldest first, revoked ones included.
    public static func list(in session: borrowing PostgresSession) throws -> [APIKeyRecord] {
        try session.query(
            """
            SELECT k.id, k.user_id, u.name, k.role, k.created_at, k.revoked_at
            FROM api_keys k JOIN users u ON u.id = k.user_id ORDER BY k.created_at, k.id
            """
        ).map { row in
            guard let role = APIKeyRole(rawValue: try row.decode(3)) else {
                throw DocketError(.internal, "api_keys holds an unknown role")
            }
            return APIKeyRecord(
                id: try row.decode(0), userID: try row.decode(1), userName: try row.decode(2), role: role,
                createdAt: try row.decode(4), revokedAt: try row.decode(5)
            )
        }
    }

    /// Revokes key `id` from now on. Revoking twice is harmless; an unknown
    /// id is `not_found`.
    public static func revoke(id: UUID, in session: borrowing PostgresSession) throws -> Revocation {
        let rows = try session.query(
            """
            WITH before AS (SELECT id, revoked_at FROM api_keys WHERE id = $1 FOR UPDATE)
            UPDATE api_keys k SET revoked_at = COALESCE(before.revoked_at, now())
            FROM before WHERE k.id = before.id
            RETURNING before.revoked_at IS NOT NULL
            """,
            id
        )
        guard let row = rows.first else { throw DocketError(.notFound, "no API key has id \(id.uuidString.lowercased())") }
        return try row.decode(0, as: Bool.self) ? .wasAlreadyRevoked : .revoked
    }

    /// Who `secret` belongs to, or nil if it is unknown or revoked.
    public static func authenticate(_ secret: APIKeySecret, in session: borrowing PostgresSession) throws -> Principal? {
        // Not a key's shape: no query, and no timing difference worth having.
        guard secret.text.hasPrefix(APIKeySecret.prefix), secret.text.utf8.count < 128 else { return nil }
        guard let row = try session.query(
            """
            SELECT k.id, k.user_id, u.name, k.role FROM api_keys k JOIN users u ON u.id = k.user_id
            WHERE k.key_sha256 = $1 AND k.revoked_at IS NULL
            """,
            secret.sha256
        ).first, let role = APIKeyRole(rawValue: try row.decode(3)) else { return nil }
        return Principal(keyID: try row.decode(0), userID: try row.decode(1), userName: try row.decode(2), role: role)
    }

    private static func validate(userName: String) throws {
        guard !userName.isEmpty, userName.count <= 100,
              !userName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw DocketError(.invalidInput, "a user name is 1 to 100 characters, none of them control characters") }
    }
}
