import Foundation

/// Where a blob lives in the store, made by the server, never by a client
/// (DESIGN.md "Uploads and quota"): `<user>/<document>/original.pdf`,
/// `…/thumbs/p0001.jpg`. A key is a relative path of plain segments, so it
/// can never climb out of the store's root or name a staging file.
public struct BlobKey: Hashable, Sendable, CustomStringConvertible {
    public let path: String

    /// Checks `path`: segments of letters, digits, `.`, `_` and `-`, none
    /// empty, `.` or `..`, and no `.uploading` name (staging files are not blobs).
    public init(_ path: String) throws {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, path.utf8.count <= 512 else { throw BlobStoreError(.invalidKey, "blob key is empty or too long") }
        for segment in segments {
            guard !segment.isEmpty, segment != ".", segment != "..",
                  segment.utf8.allSatisfy(BlobKey.isAllowed)
            else { throw BlobStoreError(.invalidKey, "blob key \(path) has a bad segment") }
        }
        guard !path.hasSuffix(BlobKey.stagingSuffix) else {
            throw BlobStoreError(.invalidKey, "blob key \(path) names a staging file")
        }
        self.path = path
    }

    /// A document's original: `<user>/<document>/original.pdf`.
    public static func original(user: UUID, document: UUID) -> BlobKey {
        BlobKey(checked: "\(folder(user: user, document: document))/original.pdf")
    }

    /// A page's thumbnail: `<user>/<document>/thumbs/p0001.jpg`.
    public static func thumbnail(user: UUID, document: UUID, page: Int) -> BlobKey {
        let number = String(page)
        let padded = String(repeating: "0", count: max(0, 4 - number.count)) + number
        return BlobKey(checked: "\(folder(user: user, document: document))/thumbs/p\(padded).jpg")
    }

    public var description: String { path }

    /// A key built here from ids, valid by construction.
    private init(checked path: String) { self.path = path }

    private static func folder(user: UUID, document: UUID) -> String {
        "\(user.uuidString.lowercased())/\(document.uuidString.lowercased())"
    }

    /// Bytes in flight are written under this suffix, then renamed into place.
    static let stagingSuffix = ".uploading"

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
