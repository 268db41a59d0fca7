import Foundation

/// A key as `docketctl keys list` shows it: never the secret, which only
/// its creator saw once.
public struct APIKeyRecord: Sendable, Equatable {
    public let id: UUID
    public let userID: UUID
    public let userName: String
    public let role: APIKeyRole
    public let createdAt: Date
    public let revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }
}

/// Who a live key belongs to: what every authenticated request runs as.
public struct Principal: Sendable, Equatable {
    public let keyID: UUID
    public let userID: UUID
    public let userName: String
    public let role: APIKeyRole
}
