import BlobStore
import Foundation
import Testing

/// The local blob store against a real temporary directory.
@Suite struct LocalBlobStoreTests {
    let folder: TemporaryBlobStore
    var store: LocalBlobStore { folder.store }
    var root: String { folder.root }

    init() throws { folder = try TemporaryBlobStore() }

    func contents(_ key: BlobKey) throws -> [UInt8] {
        let reader = try store.open(key)
        return try reader.read(offset: 0, count: Int(reader.size))
    }

    @Test func aCommittedBlobIsWholeAndItsStagingFileGone() throws {
        let key = BlobKey.original(user: UUID(), document: UUID())
        let staged = try store.stage(key)
        let chunk = [UInt8]("%PDF-1.7 ".utf8)
        for _ in 0..<1000 { try chunk.withUnsafeBytes { try staged.write($0) } }
        #expect(staged.bytesWritten == Int64(chunk.count * 1000))
        // Not a blob yet: only its staging file exists.
        #expect(try store.size(of: key) == nil)
        #expect(try store.stagingFiles().count == 1)
        try staged.commit()
        #expect(try store.size(of: key) == Int64(chunk.count * 1000))
        #expect(try contents(key) == Array(repeating: chunk, count: 1000).flatMap { $0 })
        #expect(try store.stagingFiles().isEmpty)
    }

    /// Preallocated for more than comes (a PUT cut short) and written past
    /// several writeback steps: the file holds exactly what was written.
    @Test func aPreallocatedBlobHoldsExactlyItsBytes() throws {
        let key = BlobKey.original(user: UUID(), document: UUID())
        let staged = try store.stage(key)
        staged.preallocate(64 << 20)
        // Past one writeback step (8 MiB), in a pattern no two words share,
        // filled by word stores (cheap in a debug build).
        var bytes = [UInt8](repeating: 0, count: (9 << 20) + 12_344)
        bytes.withUnsafeMutableBytes { raw in
            for index in 0..<raw.count / 4 {
                raw.storeBytes(of: UInt32(truncatingIfNeeded: index) &* 2_654_435_761, toByteOffset: index * 4, as: UInt32.self)
            }
        }
        for start in stride(from: 0, to: bytes.count, by: 1 << 20) {
            try bytes[start..<min(start + (1 << 20), bytes.count)].withUnsafeBytes { try staged.write($0) }
        }
        try staged.commit()
        #expect(try store.size(of: key) == Int64(bytes.count))
        let stored = try contents(key)
        let same = stored.withUnsafeBytes { a in bytes.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, b.count) == 0 } }
        #expect(stored.count == bytes.count && same)
    }

    /// A document's folder goes whole: original, thumbnails, a staging
    /// file a crash left; the user's other documents stay; twice is fine.
    @Test func deletingADocumentRemovesItsFolderOnly() throws {
        let (user, document, other) = (UUID(), UUID(), UUID())
        try store.write(.original(user: user, document: document), bytes: Array("%PDF-1.7".utf8))
        try store.write(.thumbnail(user: user, document: document, page: 1), bytes: [0xFF, 0xD8])
        try store.write(.thumbnail(user: user, document: document, page: 2), bytes: [0xFF, 0xD8], durable: false)
        let leftover = try store.stage(.thumbnail(user: user, document: document, page: 3))  // a write in flight
        defer { leftover.abort() }
        try store.write(.original(user: user, document: other), bytes: Array("%PDF-1.7".utf8))
        #expect(try store.deleteDocument(user: user, document: document) == 4)
        #expect(try store.size(of: .original(user: user, document: document)) == nil)
        let userFolder = root + "/" + user.uuidString.lowercased()
        #expect(try FileManager.default.contentsOfDirectory(atPath: userFolder) == [other.uuidString.lowercased()])
        #expect(try store.deleteDocument(user: user, document: document) == 0)
        #expect(try store.deleteDocument(user: user, document: other) == 1)
        #expect(!FileManager.default.fileExists(atPath: userFolder))
    }

    @Test func abortedOrAbandonedStagingLeavesNothing() throws {
        let aborted = BlobKey.original(user: UUID(), document: UUID())
        let staged = try store.stage(aborted)
        try [UInt8](repeating: 1, count: 100).withUnsafeBytes { try staged.write($0) }
        staged.abort()
        do {
            // Dropped without commit, as a handler that throws mid-body does.
            let abandoned = try store.stage(BlobKey.original(user: UUID(), document: UUID()))
            try [UInt8](repeating: 2, count: 100).withUnsafeBytes { try abandoned.write($0) }
        }
        #expect(try store.stagingFiles().isEmpty)
        #expect(try store.size(of: aborted) == nil)
    }

    @Test func rangesReadTheRightBytes() throws {
        let key = BlobKey.thumbnail(user: UUID(), document: UUID(), page: 3)
        #expect(key.path.hasSuffix("/thumbs/p0003.jpg"))
        let bytes = (0..<10_000).map { UInt8($0 % 251) }
        try store.write(key, bytes: bytes)
        let reader = try store.open(key)
        #expect(reader.size == 10_000)
        #expect(try reader.read(offset: 0, count: 10) == Array(bytes[0..<10]))
        #expect(try reader.read(offset: 9_990, count: 100) == Array(bytes[9_990...]))
        #expect(try reader.read(offset: 4_321, count: 1_000) == Array(bytes[4_321..<5_321]))
        #expect(try reader.read(offset: 10_000, count: 5).isEmpty)
    }

    @Test func aCommitReplacesAnOlderBlobWhole() throws {
        let key = BlobKey.thumbnail(user: UUID(), document: UUID(), page: 1)
        try store.write(key, bytes: Array(repeating: 1, count: 5_000))
        let reader = try store.open(key)
        try store.write(key, bytes: Array(repeating: 2, count: 10))
        // A reader opened before keeps the old bytes; a new one sees the new.
        #expect(try reader.read(offset: 0, count: 5_000) == Array(repeating: 1, count: 5_000))
        #expect(try contents(key) == Array(repeating: 2, count: 10))
    }

    @Test func deleteIsIdempotentAndMissingBlobsSayNotFound() throws {
        let user = UUID(), document = UUID()
        let key = BlobKey.original(user: user, document: document)
        try store.write(key, bytes: [1, 2, 3])
        #expect(try store.delete(key))
        #expect(try !store.delete(key))
        let error = #expect(throws: BlobStoreError.self) { try store.open(key) }
        #expect(error?.code == .notFound)
        #expect(error?.jobErrorCode == .blobMissing)
        // The document's emptied folders went with it.
        #expect(!FileManager.default.fileExists(atPath: "\(root)/\(user.uuidString.lowercased())"))
    }

    @Test(arguments: ["", "/etc/passwd", "../x", "a/../../b", "a//b", "a/./b", "u/d/original.pdf.uploading", "a/b c", "a/ü"])
    func badKeysAreRefused(_ path: String) {
        let error = #expect(throws: BlobStoreError.self) { try BlobKey(path) }
        #expect(error?.code == .invalidKey)
    }

    @Test func staleStagingFilesCanBeFoundAndRemoved() throws {
        let staged = try store.stage(BlobKey.original(user: UUID(), document: UUID()))
        try [UInt8](repeating: 7, count: 42).withUnsafeBytes { try staged.write($0) }
        let found = try store.stagingFiles()
        #expect(found.count == 1)
        #expect(found.first?.size == 42)
        #expect(found.first.map { abs($0.modifiedAt.timeIntervalSinceNow) < 60 } == true)
        #expect(try store.removeStagingFile(found[0]))
        #expect(try !store.removeStagingFile(found[0]))
        #expect(try store.stagingFiles().isEmpty)
        // A path outside the store is never removed.
        let outside = StagingFile(path: "/tmp/elsewhere.uploading", modifiedAt: Date(), size: 0)
        #expect(throws: BlobStoreError.self) { try store.removeStagingFile(outside) }
    }
}
