import BlobStore
import Foundation

/// A blob store in a fresh folder under /var/tmp, removed when the suite
/// instance goes. /var/tmp, not /tmp: it is on a disk file system on
/// Debian, which takes O_DIRECT, where /tmp may be a tmpfs.
final class TemporaryBlobStore: Sendable {
    let root: String
    let store: LocalBlobStore

    init() throws {
        root = "/var/tmp/docket-blobs-" + UUID().uuidString.lowercased()
        store = try LocalBlobStore(root: root)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}
