import Foundation

/// A blob being written: bytes land in `<key>.uploading` as they come and
/// become the blob only at `commit`. Dropped without `commit`, the staging
/// file is removed, so a failed or abandoned upload leaves nothing behind.
public final class StagedBlob {
    private let file: FileDescriptor
    private let stagingPath: String
    private let finalPath: String
    private var finished = false
    public private(set) var bytesWritten: Int64 = 0
    /// Bytes before this offset are already on their way to disk.
    private var writebackStarted: Int64 = 0
    /// How much is written before its writeback is started.
    static let writebackStep: Int64 = 8 << 20

    init(file: FileDescriptor, stagingPath: String, finalPath: String) {
        self.file = file
        self.stagingPath = stagingPath
        self.finalPath = finalPath
    }

    /// Reserves room for `bytes` in advance (a PUT knows its exact size).
    public func preallocate(_ bytes: Int64) {
        file.preallocate(length: bytes)
    }

    /// A writer around the page cache for a blob of exactly `size` bytes,
    /// or nil where the file system refuses O_DIRECT (tmpfs). The file
    /// takes its full size at once: direct writes within the size run side
    /// by side, extending ones would queue behind each other.
    public func directWriter(size: Int64) -> DirectBlockWriter? {
        guard let direct = try? FileDescriptor.open(stagingPath, O_WRONLY | FileDescriptor.directFlag) else { return nil }
        guard fallocate(file.raw, 0, 0, size) == 0 || ftruncate(file.raw, off_t(size)) == 0 else { return nil }
        return DirectBlockWriter(direct: direct, buffered: file.raw, path: stagingPath)
    }

    /// Appends `bytes` (all of them, retrying short writes and EINTR). Every
    /// 8 MiB the disk starts writing what came before, while more arrives:
    /// left to `commit`'s fsync, 100 MiB waited 40-50 ms there.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "write after commit or abort")
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(file.raw, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw BlobStoreError.system("write", stagingPath)
            }
            offset += written
        }
        bytesWritten += Int64(bytes.count)
        if bytesWritten - writebackStarted >= Self.writebackStep {
            file.startWriteback(offset: writebackStarted, length: bytesWritten - writebackStarted)
            writebackStarted = bytesWritten
        }
    }

    /// Makes the bytes the blob: fsync the file, rename it over the final
    /// name (atomically replacing an older blob), fsync the folder so the
    /// rename survives a crash. With `durable` false, both fsyncs are left
    /// to one `LocalBlobStore.syncFileSystem()` after a batch of writes.
    public func commit(durable: Bool = true) throws {
        precondition(!finished, "commit after commit or abort")
        finished = true
        do {
            if durable { try file.sync(stagingPath) }
            file.close()
            guard rename(stagingPath, finalPath) == 0 else { throw BlobStoreError.system("rename", stagingPath) }
            guard durable else { return }
            let folder = LocalBlobStore.folder(of: finalPath)
            try FileDescriptor.open(folder, O_RDONLY | O_DIRECTORY).sync(folder)
        } catch {
            file.close()
            unlink(stagingPath)
            throw error
        }
    }

    /// Drops the staged bytes.
    public func abort() {
        guard !finished else { return }
        finished = true
        file.close()
        unlink(stagingPath)
    }

    deinit { abort() }
}
