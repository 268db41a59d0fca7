import BlobStore
import Crypto
import Foundation

/// One PUT's staging file and the SHA-256 of what went into it, touched
/// only inside thread-pool hops (its calls block on the disk or the CPU),
/// hence `@unchecked Sendable`: one hop at a time writes and one hashes,
/// side by side, and they share no state.
final class UploadFile: @unchecked Sendable {
    private let staged: StagedBlob
    private var hasher = SHA256()

    /// `expectedBytes`: the declared size, reserved on disk at once.
    init(_ staged: StagedBlob, expectedBytes: Int64) {
        self.staged = staged
        staged.preallocate(expectedBytes)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try staged.write(bytes)
    }

    func hash(_ bytes: UnsafeRawBufferPointer) {
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
