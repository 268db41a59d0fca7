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

    func close() {
        guard !closed else { return }
        closed = true
        _ = Foundation.close(raw)
    }

    deinit { close() }
}

/// syncfs(2): glibc declares it only under _GNU_SOURCE, which Swift's Glibc
/// module is not built with; the symbol is plain C (int syncfs(int)).
@_silgen_name("syncfs")
func syncfs(_ descriptor: Int32) -> Int32
