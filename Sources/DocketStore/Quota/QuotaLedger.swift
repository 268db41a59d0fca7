import DocketCore
import Foundation
import PostgresClient

/// The quota moves of a document's bytes (`documents.quota_state`), each a
/// conditional transition committed with the user's figures: run twice, or
/// in either order, they change the quota once.
public enum QuotaLedger {
    /// What a move did.
    public enum Move: Sendable, Equatable {
        /// The bytes moved (from reserved to used, or back out of the quota).
        case moved(bytes: Int64)
        /// Nothing to move: done before, or released first.
        case nothing
    }

    /// `quota.settle`: a completed upload's reservation becomes usage. The
    /// stored size is the declared one (the PUT stores exactly that many
    /// bytes or nothing). A document released first stays released.
    @discardableResult
    public static func settle(document: UUID, in session: borrowing PostgresSession) throws -> Move {
        let rows = try session.query(
            """
            WITH d AS (
                UPDATE documents SET quota_state = 'used', updated_at = now()
                WHERE id = $1 AND quota_state = 'reserved' AND status <> 'uploading'
                RETURNING user_id, size_bytes
            )
            UPDATE users u SET reserved_bytes = u.reserved_bytes - d.size_bytes, used_bytes = u.used_bytes + d.size_bytes
            FROM d WHERE u.id = d.user_id
            RETURNING d.size_bytes
            """,
            document
        )
        return try rows.first.map { .moved(bytes: Int64(try $0.decode(0, as: Int.self))) } ?? .nothing
    }

    /// `quota.release`: a deleted document's bytes leave the quota, from
    /// wherever they stand (reserved if it was never settled, used if it was).
    @discardableResult
    public static func release(document: UUID, in session: borrowing PostgresSession) throws -> Move {
        let rows = try session.query(
            """
            WITH old AS (
                SELECT id, user_id, size_bytes, quota_state FROM documents
                WHERE id = $1 AND quota_state <> 'released' FOR UPDATE
            ), d AS (
                UPDATE documents SET quota_state = 'released', updated_at = now()
                FROM old WHERE documents.id = old.id
                RETURNING old.user_id, old.size_bytes, old.quota_state
            )
            UPDATE users u SET
                reserved_bytes = u.reserved_bytes - CASE WHEN d.quota_state = 'reserved' THEN d.size_bytes ELSE 0 END,
                used_bytes = u.used_bytes - CASE WHEN d.quota_state = 'used' THEN d.size_bytes ELSE 0 END
            FROM d WHERE u.id = d.user_id
            RETURNING d.size_bytes
            """,
            document
        )
        return try rows.first.map { .moved(bytes: Int64(try $0.decode(0, as: Int.self))) } ?? .nothing
    }

    /// What the user's figures should be, from the documents themselves:
    /// usage is the settled documents' bytes, reservations the rest not
    /// released. `drift` is recorded minus recomputed.
    public struct Reconciliation: Sendable, Equatable {
        public let userID: UUID
        public let usedDrift: Int64
        public let reservedDrift: Int64
    }

    /// Users whose recorded figures differ from their documents'. With
    /// `repair`, the figures are set to the recomputed ones.
    public static func reconcile(repair: Bool, in session: borrowing PostgresSession) throws -> [Reconciliation] {
        let rows = try session.query(
            """
            WITH truth AS (
                SELECT u.id,
                       COALESCE(sum(d.size_bytes) FILTER (WHERE d.quota_state = 'used'), 0) AS used,
                       COALESCE(sum(d.size_bytes) FILTER (WHERE d.quota_state = 'reserved'), 0) AS reserved
                FROM users u LEFT JOIN documents d ON d.user_id = u.id
                GROUP BY u.id
            ), drift AS (
                SELECT u.id, u.used_bytes - t.used AS used_drift, u.reserved_bytes - t.reserved AS reserved_drift,
                       t.used, t.reserved
                FROM users u JOIN truth t ON t.id = u.id
                WHERE u.used_bytes <> t.used OR u.reserved_bytes <> t.reserved
                FOR UPDATE OF u
            ), fixed AS (
                UPDATE users u SET used_bytes = drift.used, reserved_bytes = drift.reserved
                FROM drift WHERE u.id = drift.id AND $1
            )
            SELECT id, used_drift, reserved_drift FROM drift
            """,
            repair
        )
        return try rows.map { row in
            Reconciliation(
                userID: try row.decode(0), usedDrift: Int64(try row.decode(1, as: Int.self)),
                reservedDrift: Int64(try row.decode(2, as: Int.self))
            )
        }
    }
}
