import BlobStore
import Foundation
import Testing

/// Blobs written around the page cache, against a real temporary directory
/// (NSTemporaryDirectory is on a disk file system here, which takes O_DIRECT).
@Suite final class DirectBlockWriterTests {
    let root: String
    let store: LocalBlobStore

    init() throws {
        root = NSTemporaryDirectory() + "docket-direct-" + UUID().uuidString.lowercased()
        store = try LocalBlobStore(root: root)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Whole blocks only, a block and a tail, less than a block, a short
    /// tail after several blocks: appended in pieces that straddle the
    /// blocks, the committed blob is the bytes, in order, and no longer.
    @Test(arguments: [
        DirectBlockWriter.blockSize * 3, DirectBlockWriter.blockSize + 1, DirectBlockWriter.blockSize - 4095,
        DirectBlockWriter.blockSize * 5 + 12_345,
    ])
    func aBlobWrittenDirectlyIsItsBytes(size: Int) throws {
        let key = BlobKey.original(user: UUID(), document: UUID())
        let bytes = Self.noise(size)
        let staged = try store.stage(key)
        let writer = try #require(staged.directWriter(size: Int64(size)))
        try bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < size {
                let count = min(65_537, size - offset)
                try writer.append(UnsafeRawBufferPointer(rebasing: all[offset..<offset + count]))
                offset += count
            }
        }
        try writer.finish()
        try staged.commit()
        let reader = try store.open(key)
        #expect(reader.size == Int64(size))
        let stored = try reader.read(offset: 0, count: size)
        #expect(stored.count == size && memcmp(stored, bytes, size) == 0)
    }

    /// An upload abandoned with blocks still queued: its writer winds down
    /// and the staging file goes, as for a buffered one.
    @Test func anAbandonedBlobLeavesNothing() throws {
        let key = BlobKey.original(user: UUID(), document: UUID())
        let staged = try store.stage(key)
        var writer = staged.directWriter(size: Int64(DirectBlockWriter.blockSize * 8))
        #expect(writer != nil)
        let bytes = Self.noise(DirectBlockWriter.blockSize * 3)
        try bytes.withUnsafeBytes { try writer?.append($0) }
        staged.abort()
        writer = nil
        #expect(try store.stagingFiles().isEmpty)
        #expect(try store.size(of: key) == nil)
    }

    /// Deterministic bytes that differ at every offset (a shifted or
    /// repeated block would show).
    static func noise(_ count: Int) -> [UInt8] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var bytes = [UInt8](repeating: 0, count: (count + 7) / 8 * 8)
        bytes.withUnsafeMutableBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 8) {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                raw.storeBytes(of: state, toByteOffset: offset, as: UInt64.self)
            }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}
