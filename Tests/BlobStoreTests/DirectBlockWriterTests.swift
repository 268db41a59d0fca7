import BlobStore
import DocketTesting
import Foundation
import Testing

/// Blobs written around the page cache, in a real folder on disk.
@Suite struct DirectBlockWriterTests {
    let folder: TemporaryBlobStore
    var store: LocalBlobStore { folder.store }

    init() throws { folder = try TemporaryBlobStore() }

    /// Whole blocks only, a block and a tail, less than a block, a short
    /// tail after several blocks: appended in pieces that straddle the
    /// blocks, the committed blob is the bytes, in order, and no longer.
    @Test(arguments: [
        DirectBlockWriter.blockSize * 3, DirectBlockWriter.blockSize + 1, DirectBlockWriter.blockSize - 4095,
        DirectBlockWriter.blockSize * 5 + 12_345,
    ])
    func aBlobWrittenDirectlyIsItsBytes(size: Int) throws {
        let key = BlobKey.original(user: UUID(), document: UUID())
        let bytes = PDFFixtures.noise(size)
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

    /// An upload abandoned with blocks still queued: its writer goes when
    /// dropped (its threads hold only its queue; its deinit stops them),
    /// and the staging file goes, as for a buffered one.
    @Test func anAbandonedBlobLeavesNothing() throws {
        let key = BlobKey.original(user: UUID(), document: UUID())
        let staged = try store.stage(key)
        var writer = staged.directWriter(size: Int64(DirectBlockWriter.blockSize * 8))
        weak let dropped = writer
        #expect(dropped != nil)
        let bytes = PDFFixtures.noise(DirectBlockWriter.blockSize * 3)
        try bytes.withUnsafeBytes { try writer?.append($0) }
        writer?.abandon()
        staged.abort()
        writer = nil
        #expect(dropped == nil)
        #expect(try store.stagingFiles().isEmpty)
        #expect(try store.size(of: key) == nil)
    }
}
