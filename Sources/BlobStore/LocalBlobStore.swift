import Foundation

/// Blobs as files under one root directory (`DOCKET_BLOB_DIR`).
///
/// Every method blocks on the file system: callers run it off Swift's
/// cooperative pool (a thread pool, or a dedicated thread), one hop per
/// chunk or per call. Writes go to `<key>.uploading`, are fsynced, renamed
/// into place and the folder fsynced, so a reader sees a whole blob or none;
/// no method ever reads, lists or serves a staging file as a blob.
public struct LocalBlobStore: Sendable {
    public let root: String

    /// Creates `root` if it is missing.
    public init(root: String) throws {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        try LocalBlobStore.makeDirectories(self.root)
    }

    /// Starts writing `key`: bytes go to a staging file of this write's
    /// own (`<key>.<random>.uploading`) until `commit`, so two writers of
    /// one key (a client retrying while its first attempt still streams)
    /// never interleave bytes; the last commit wins whole.
    public func stage(_ key: BlobKey) throws -> StagedBlob {
        let path = self.path(of: key)
        let staging = path + "." + String(UInt64.random(in: 0...UInt64.max), radix: 36) + BlobKey.stagingSuffix
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(staging, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        } catch let error as BlobStoreError where error.code == .notFound {
            // The key's folders do not exist yet: made on first use only,
            // not checked on every write (a pages job writes thousands).
            try LocalBlobStore.makeDirectories(LocalBlobStore.folder(of: path))
            file = try FileDescriptor.open(staging, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        }
        return StagedBlob(file: file, stagingPath: staging, finalPath: path)
    }

    /// Writes a whole small blob (a thumbnail) the same safe way. With
    /// `durable` false it is renamed into place without waiting for the
    /// disk: for a batch made durable by one `syncFileSystem()` before it
    /// is recorded anywhere.
    public func write(_ key: BlobKey, bytes: [UInt8], durable: Bool = true) throws {
        let staged = try stage(key)
        try bytes.withUnsafeBytes { try staged.write($0) }
        try staged.commit(durable: durable)
    }

    /// Flushes every pending write on the store's file system (syncfs(2)):
    /// one wait for a thousand page thumbnails instead of two fsyncs each.
    public func syncFileSystem() throws {
        let folder = try FileDescriptor.open(root, O_RDONLY | O_DIRECTORY)
        guard syncfs(folder.raw) == 0 else { throw BlobStoreError.system("syncfs", root) }
    }

    /// Opens `key` for reading; `.notFound` if there is no such blob.
    public func open(_ key: BlobKey) throws -> BlobReader {
        let path = self.path(of: key)
        return try BlobReader(file: FileDescriptor.open(path, O_RDONLY), path: path)
    }

    /// The blob's size in bytes, or nil when there is none.
    public func size(of key: BlobKey) throws -> Int64? {
        var info = stat()
        let path = self.path(of: key)
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw BlobStoreError.system("stat", path)
        }
        return Int64(info.st_size)
    }

    /// Removes the blob; false when it was already gone (deleting is
    /// idempotent: a redelivered delete job succeeds). Its folders go too
    /// once empty.
    @discardableResult
    public func delete(_ key: BlobKey) throws -> Bool {
        let path = self.path(of: key)
        guard unlink(path) == 0 else {
            if errno == ENOENT { return false }
            throw BlobStoreError.system("unlink", path)
        }
        removeEmptyFolders(from: LocalBlobStore.folder(of: path))
        return true
    }

    /// Removes every file of a document, `<user>/<document>/` and all under
    /// it (original, thumbnails, staging files a crash left), then the
    /// user's folder if that is now empty. Returns how many files went; a
    /// folder already gone is 0, not an error (a redelivered delete).
    @discardableResult
    public func deleteDocument(user: UUID, document: UUID) throws -> Int {
        let folder = LocalBlobStore.folder(of: path(of: .original(user: user, document: document)))
        var removed = 0
        if let walker = FileManager.default.enumerator(atPath: folder) {
            while let relative = walker.nextObject() as? String {
                let file = folder + "/" + relative
                var info = stat()
                guard lstat(file, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else { continue }
                guard unlink(file) == 0 || errno == ENOENT else { throw BlobStoreError.system("unlink", file) }
                removed += 1
            }
        }
        guard rmdir(folder + "/thumbs") == 0 || errno == ENOENT else { throw BlobStoreError.system("rmdir", folder + "/thumbs") }
        guard rmdir(folder) == 0 || errno == ENOENT else { throw BlobStoreError.system("rmdir", folder) }
        removeEmptyFolders(from: LocalBlobStore.folder(of: folder))
        return removed
    }

    /// Staging files (of uploads in flight, or left by a crash), for the
    /// orphan sweeper and for tests that check nothing was left behind.
    public func stagingFiles() throws -> [StagingFile] {
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw BlobStoreError(.io, "cannot list \(root)")
        }
        var found: [StagingFile] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(BlobKey.stagingSuffix) else { continue }
            let path = root + "/" + relative
            var info = stat()
            guard stat(path, &info) == 0 else { continue }  // finished or removed meanwhile
            let modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            found.append(StagingFile(path: path, modifiedAt: modified, size: Int64(info.st_size)))
        }
        return found
    }

    /// Removes a staging file found by `stagingFiles`; false if already gone.
    @discardableResult
    public func removeStagingFile(_ file: StagingFile) throws -> Bool {
        guard file.path.hasPrefix(root + "/"), file.path.hasSuffix(BlobKey.stagingSuffix) else {
            throw BlobStoreError(.invalidKey, "\(file.path) is not a staging file of this store")
        }
        guard unlink(file.path) == 0 else {
            if errno == ENOENT { return false }
            throw BlobStoreError.system("unlink", file.path)
        }
        return true
    }

    func path(of key: BlobKey) -> String { root + "/" + key.path }

    /// The file behind `key`, for a process that opens it by name (the PDF
    /// sandbox's children).
    public func localPath(of key: BlobKey) -> String { path(of: key) }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    private static func makeDirectories(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw BlobStoreError(.io, "cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// Removes `folder` and its parents while empty, up to the root. Best
    /// effort: a concurrent writer may have just created something there.
    private func removeEmptyFolders(from folder: String) {
        var current = folder
        while current.hasPrefix(root + "/"), rmdir(current) == 0 {
            current = LocalBlobStore.folder(of: current)
        }
    }
}

/// A staging file as the orphan sweeper sees it.
public struct StagingFile: Sendable, Equatable {
    public let path: String
    public let modifiedAt: Date
    public let size: Int64

    public init(path: String, modifiedAt: Date, size: Int64) {
        self.path = path
        self.modifiedAt = modifiedAt
        self.size = size
    }
}
