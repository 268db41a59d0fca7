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
    /// Set for a large body on a file system that takes O_DIRECT.
    private let direct: DirectBlockWriter?

    /// From this size on, a body is written around the page cache: one
    /// copy instead of the page cache's copy plus writeback, and a large
    /// upload does not push what the workers read out of memory. Smaller
    /// ones stay cached for the `pdf.info` job that reads them next.
    static let directFromBytes: Int64 = 8 << 20

    /// `expectedBytes`: the declared size, reserved on disk at once.
    init(_ staged: StagedBlob, expectedBytes: Int64) {
        self.staged = staged
        direct = expectedBytes >= Self.directFromBytes ? staged.directWriter(size: expectedBytes) : nil
        if direct == nil { staged.preallocate(expectedBytes) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if let direct { try direct.append(bytes) } else { try staged.write(bytes) }
    }

    func hash(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
    }

    /// The hex SHA-256 of every byte appended.
    func digest() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Waits for the last direct writes, then fsync, rename into place,
    /// fsync the folder.
    func commit() throws {
        try direct?.finish()
        try staged.commit()
    }

    /// Removes the staging file (a no-op after `commit`) and ends the
    /// direct writer's threads.
    func abort() {
        direct?.abandon()
        staged.abort()
    }
}
