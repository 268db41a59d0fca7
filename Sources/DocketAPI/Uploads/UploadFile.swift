import BlobStore
import Crypto
import Foundation

/// One PUT's staging file and the SHA-256 of what went into it. Used by one
/// task at a time, and touched only inside thread-pool hops (its calls
/// block on the disk), hence `@unchecked Sendable`.
final class UploadFile: @unchecked Sendable {
    private let staged: StagedBlob
    private var hasher = SHA256()

    init(_ staged: StagedBlob) { self.staged = staged }

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        try staged.write(bytes)
        hasher.update(bufferPointer: bytes)
    }

    /// The hex SHA-256 of every byte appended.
    func digest() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// fsync, rename into place, fsync the folder.
    func commit() throws { try staged.commit() }

    /// Removes the staging file (a no-op after `commit`).
    func abort() { staged.abort() }
}
