import Foundation

/// An upload as the API needs it: who owns it, where its bytes go, how
/// many are due, and until when.
public struct PendingUpload: Sendable, Equatable {
    public let id: UUID
    public let documentID: UUID
    public let userID: UUID
    public let sizeBytes: Int64
    /// `<user>/<document>/original.pdf`.
    public let blobKey: String
    public let state: UploadState
    public let isStored: Bool
    public let expiresAt: Date
}

public enum UploadState: String, Sendable {
    case pending
    case completed
    case cancelled
    case expired
}
