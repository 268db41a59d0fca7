import Crypto
import DocketCore
import Foundation

/// An API key as the client holds it: `dk_` and 32 random bytes in
/// base64url. Only its SHA-256 is stored (a leaked table leaks no key); a
/// key has enough entropy that a plain hash, not a slow one, is right.
public struct APIKeySecret: Sendable, CustomStringConvertible {
    public let text: String

    public static let prefix = "dk_"

    /// A fresh random key.
    public static func generate() -> APIKeySecret {
        APIKeySecret(text: prefix + Base64URL.encode(SecureRandom.bytes(32)))
    }

    /// The key as presented in `Authorization: Bearer …`.
    public init(text: String) { self.text = text }

    /// What the `api_keys` table holds and is searched by.
    public var sha256: Data { Data(SHA256.hash(data: Array(text.utf8))) }

    /// Never the key itself: a key that reaches a log by accident stays secret.
    public var description: String { "APIKeySecret(redacted)" }
}
