import BlobStore
import DocketCore
import Foundation
import UUIDText

/// What a blob token grants (DESIGN.md "Tokens"): one method on one blob,
/// for one user, until `expiresAt`; an upload token also fixes the exact
/// size. The nonce makes every token distinct, so a used upload token can
/// be told from a fresh one for the same upload.
public struct BlobTokenClaims: Equatable, Sendable {
    public enum Method: String, Sendable {
        /// Uploads: `PUT`.
        case put = "PUT"
        /// Downloads: `GET`, and `HEAD` with it.
        case get = "GET"
    }

    public var method: Method
    public var blobKey: BlobKey
    public var userID: UUID
    /// The exact body size an upload must have; nil for downloads.
    public var sizeBytes: Int64?
    /// Whole seconds since 1970: the token is refused from this second on.
    public var expiresAt: Int64
    public var nonce: [UInt8]

    public init(
        method: Method, blobKey: BlobKey, userID: UUID, sizeBytes: Int64? = nil,
        expiresAt: Date, nonce: [UInt8] = BlobTokenClaims.randomNonce()
    ) {
        self.method = method
        self.blobKey = blobKey
        self.userID = userID
        self.sizeBytes = sizeBytes
        self.expiresAt = Int64(expiresAt.timeIntervalSince1970.rounded(.down))
        self.nonce = nonce
    }

    public static func randomNonce() -> [UInt8] { SecureRandom.bytes(16) }

    public var expiryDate: Date { Date(timeIntervalSince1970: TimeInterval(expiresAt)) }
}

extension BlobTokenClaims {
    static let version = "1"
    private static let separator: Character = "|"

    /// The signed payload: `1|kid|method|blob key|user|size|expiry|nonce`.
    /// No field can hold the separator (key ids and nonces are base64url,
    /// blob keys are plain path segments).
    func payload(keyID: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(192)
        for field in [Self.version, keyID, method.rawValue, blobKey.path] {
            bytes.append(contentsOf: field.utf8)
            bytes.append(UInt8(ascii: "|"))
        }
        userID.appendLowercased(to: &bytes)
        bytes.append(UInt8(ascii: "|"))
        if let sizeBytes { bytes.append(contentsOf: String(sizeBytes).utf8) }
        bytes.append(UInt8(ascii: "|"))
        bytes.append(contentsOf: String(expiresAt).utf8)
        bytes.append(UInt8(ascii: "|"))
        bytes.append(contentsOf: Base64URL.encode(nonce).utf8)
        return bytes
    }

    /// The claims and key id in `payload`, or nil unless every field is well formed.
    static func parse(_ payload: [UInt8]) -> (keyID: String, claims: BlobTokenClaims)? {
        guard let text = String(validating: payload, as: UTF8.self) else { return nil }
        let fields = text.split(separator: separator, omittingEmptySubsequences: false)
        guard fields.count == 8, fields[0] == version, !fields[1].isEmpty,
              let method = Method(rawValue: String(fields[2])),
              let blobKey = try? BlobKey(String(fields[3])),
              let userID = UUID(uuidString: String(fields[4])),
              let expiresAt = Int64(fields[6]),
              let nonce = Base64URL.decode(fields[7]), nonce.count == 16
        else { return nil }
        let sizeBytes: Int64?
        if fields[5].isEmpty {
            sizeBytes = nil
        } else {
            guard let size = Int64(fields[5]), size > 0 else { return nil }
            sizeBytes = size
        }
        var claims = BlobTokenClaims(
            method: method, blobKey: blobKey, userID: userID, sizeBytes: sizeBytes,
            expiresAt: Date(timeIntervalSince1970: 0), nonce: nonce
        )
        claims.expiresAt = expiresAt
        return (String(fields[1]), claims)
    }
}
