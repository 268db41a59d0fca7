import Foundation

/// An open blob: its size, and its bytes by range (`pread`, so ranges
/// need no shared position and the whole blob is never in memory). Reads
/// share no state, so any thread may use it: `@unchecked Sendable`.
public final class BlobReader: @unchecked Sendable {
    private let file: FileDescriptor
    private let path: String
    public let size: Int64
    /// The file's modification time, for ETags.
    public let modifiedAt: Date

    init(file: FileDescriptor, path: String) throws {
        var info = stat()
        guard fstat(file.raw, &info) == 0 else { throw BlobStoreError.system("fstat", path) }
        self.file = file
        self.path = path
        self.size = Int64(info.st_size)
        self.modifiedAt = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    /// Up to `count` bytes from `offset`; fewer only at the end of the blob.
    public func read(offset: Int64, count: Int) throws -> [UInt8] {
        precondition(offset >= 0 && count >= 0)
        let wanted = Int(max(0, min(Int64(count), size - offset)))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while filled < wanted {
                let got = pread(file.raw, buffer.baseAddress! + filled, wanted - filled, off_t(offset) + off_t(filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw BlobStoreError.system("read", path)
                }
                if got == 0 { break }  // truncated under us
                filled += got
            }
        }
        if filled < wanted { bytes.removeLast(wanted - filled) }
        return bytes
    }
}
