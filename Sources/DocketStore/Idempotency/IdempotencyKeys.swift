import DocketCore
import Foundation
import PostgresClient

/// `Idempotency-Key` on `POST /v1/uploads` and `…/complete` (CONTRACT.md
/// §2): the first request with a key runs; a repeat with the same request
/// gets the first answer back; the same key with another request is 422;
/// a repeat while the first is still running is 409. Kept 24 hours.
public enum IdempotencyKeys {
    public enum Claim: Sendable, Equatable {
        /// Run the request, then `record` its answer (or `release` the key).
        case run
        /// Answer with this, as the first time.
        case replay(status: Int, body: [UInt8])
        case inFlight
        case mismatch
    }

    /// How long an answer is kept, and how long a request may hold its key
    /// before a repeat takes it over (the first process died mid-request).
    public static let retention: Duration = .seconds(24 * 3600)
    public static let takeover: Duration = .seconds(60)

    /// Claims `key` for a request whose method, path and body hash to
    /// `requestHash`. Runs in a transaction of its own, before the
    /// request's, so a repeat sees the claim at once.
    public static func claim(
        userID: UUID, scope: String, key: String, requestHash: [UInt8], in session: borrowing PostgresSession
    ) throws -> Claim {
        guard !key.isEmpty, key.utf8.count <= 255, key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7F }) else {
            throw DocketError(.invalidInput, "Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        let hash = Data(requestHash)
        let taken = try session.query(
            """
            INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, scope, key) DO UPDATE
                SET request_hash = EXCLUDED.request_hash, status = NULL, response_body = NULL, created_at = now()
                WHERE idempotency_keys.created_at < now() - make_interval(secs => $5)
                   OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - make_interval(secs => $6)
                       AND idempotency_keys.request_hash = EXCLUDED.request_hash)
            RETURNING 1
            """,
            userID, scope, key, hash, Double(retention.components.seconds), Double(takeover.components.seconds)
        )
        if !taken.isEmpty { return .run }
        guard let row = try session.query(
            "SELECT request_hash, status, response_body FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3",
            userID, scope, key
        ).first else { return .inFlight }  // released between the two statements: a retry will run it
        guard try row.decode(0, as: [UInt8].self) == requestHash else { return .mismatch }
        guard let status = try row.decode(1, as: Int?.self) else { return .inFlight }
        return .replay(status: status, body: try row.decode(2, as: [UInt8]?.self) ?? [])
    }

    /// Keeps the answer a claimed request gave.
    public static func record(
        userID: UUID, scope: String, key: String, status: Int, body: [UInt8], in session: borrowing PostgresSession
    ) throws {
        try session.query(
            "UPDATE idempotency_keys SET status = $4, response_body = $5 WHERE user_id = $1 AND scope = $2 AND key = $3",
            userID, scope, key, status, Data(body)
        )
    }

    /// Frees a key whose request failed in a way worth retrying (5xx): the
    /// next request with it runs afresh.
    public static func release(userID: UUID, scope: String, key: String, in session: borrowing PostgresSession) throws {
        try session.query(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3 AND status IS NULL",
            userID, scope, key
        )
    }
}
