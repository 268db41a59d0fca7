import Foundation

/// An open file descriptor, closed exactly once when its owner goes.
final class FileDescriptor {
    let raw: Int32
    private var closed = false

    init(raw: Int32) { self.raw = raw }

    /// Opens `path`, retrying on EINTR.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws -> FileDescriptor {
        while true {
            let fd = Foundation.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return FileDescriptor(raw: fd) }
            if errno != EINTR { throw BlobStoreError.system("open", path) }
        }
    }

    /// Flushes the file (or folder) to disk.
    func sync(_ path: String) throws {
        guard fsync(raw) == 0 else { throw BlobStoreError.system("fsync", path) }
    }

    /// Starts writing `length` bytes from `offset` to disk and returns
    /// without waiting (sync_file_range, SYNC_FILE_RANGE_WRITE), so the
    /// final fsync finds little left to write. Only a hint: it fails silently.
    func startWriteback(offset: Int64, length: Int64) {
        _ = sync_file_range(raw, offset, length, 2)
    }

    /// Reserves disk blocks for `length` bytes without changing the file's
    /// size (fallocate, FALLOC_FL_KEEP_SIZE): the writes that follow skip
    /// ext4's block reservation per page. Only a hint: it fails silently.
    func preallocate(length: Int64) {
        _ = fallocate(raw, 1, 0, length)
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = Foundation.close(raw)
    }

    deinit { close() }
}

extension FileDescriptor {
    /// O_DIRECT, which Swift's Glibc module leaves out (_GNU_SOURCE); its
    /// value differs by architecture.
    #if arch(x86_64)
    static let directFlag: Int32 = 0o40000
    #elseif arch(arm64)
    static let directFlag: Int32 = 0o200000
    #endif
}

/// syncfs(2): glibc declares it only under _GNU_SOURCE, which Swift's Glibc
/// module is not built with; the symbol is plain C (int syncfs(int)).
@_silgen_name("syncfs")
func syncfs(_ descriptor: Int32) -> Int32

/// sync_file_range(2), declared only under _GNU_SOURCE as well:
/// int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags).
@_silgen_name("sync_file_range")
func sync_file_range(_ descriptor: Int32, _ offset: Int64, _ length: Int64, _ flags: UInt32) -> Int32

/// fallocate(2), also _GNU_SOURCE only: int fallocate(int fd, int mode, off_t offset, off_t len).
@_silgen_name("fallocate")
func fallocate(_ descriptor: Int32, _ mode: Int32, _ offset: Int64, _ length: Int64) -> Int32
