import DocketCore
import Foundation
import PostgresClient

/// A user's storage: `GET /v1/quota`. Reservations count against the limit
/// until their upload is settled, cancelled or expired.
public struct Quota: Sendable, Equatable, Codable {
    public let limitBytes: Int64
    public let usedBytes: Int64
    public let reservedBytes: Int64

    public init(limitBytes: Int64, usedBytes: Int64, reservedBytes: Int64) {
        self.limitBytes = limitBytes
        self.usedBytes = usedBytes
        self.reservedBytes = reservedBytes
    }


    /// The user's figures; `lock` holds the row until the transaction ends.
    public static func read(userID: UUID, lock: Bool = false, in session: borrowing PostgresSession) throws -> Quota {
        guard let row = try session.query(
            "SELECT quota_bytes, used_bytes, reserved_bytes FROM users WHERE id = $1\(lock ? " FOR UPDATE" : "")", userID
        ).first else { throw DocketError(.notFound, "no such user") }
        return Quota(
            limitBytes: Int64(try row.decode(0, as: Int.self)), usedBytes: Int64(try row.decode(1, as: Int.self)),
            reservedBytes: Int64(try row.decode(2, as: Int.self))
        )
    }
}
