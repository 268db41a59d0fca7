import BlobStore
import Crypto
import DocketCore
import Foundation

/// The HMAC-SHA256 keys blob tokens are signed and checked with
/// (DESIGN.md "Tokens"). One key signs; every key verifies, so a rotation
/// puts a new signing key in and keeps the old one verifying until the last
/// token it signed has expired. A key's id is derived from its secret, so
/// replicas configured with the same secrets agree on ids without a registry.
public struct TokenKeyring: Sendable {
    public let signingKeyID: String
    /// Each key's HMAC with the key already absorbed: a copy signs or
    /// checks one token without hashing the key again.
    private let keys: [String: HMAC<SHA256>]

    /// `signingSecret` signs and verifies; `verifyingSecrets` only verify.
    public init(signingSecret: String, verifyingSecrets: [String] = []) {
        signingKeyID = Self.keyID(of: signingSecret)
        var keys: [String: HMAC<SHA256>] = [:]
        for secret in verifyingSecrets + [signingSecret] {
            keys[Self.keyID(of: secret)] = HMAC(key: SymmetricKey(data: Array(secret.utf8)))
        }
        self.keys = keys
    }

    /// The first 6 bytes of the secret's SHA-256, base64url: names the key
    /// in a token without revealing anything usable about it.
    public static func keyID(of secret: String) -> String {
        Base64URL.encode(SHA256.hash(data: Array(secret.utf8)).prefix(6))
    }

    /// `base64url(payload).base64url(HMAC-SHA256(signing key, payload))`.
    public func sign(_ claims: BlobTokenClaims) -> String {
        let payload = claims.payload(keyID: signingKeyID)
        var hmac = keys[signingKeyID]!
        hmac.update(data: payload)
        return Base64URL.encode(payload) + "." + Base64URL.encode(hmac.finalize())
    }

    /// The claims of `token` if it is well formed, signed by a known key,
    /// grants `method` on `blobKey` to the user who owns that blob, and has
    /// not expired at `now`. The MAC is compared in constant time.
    public func verify(
        _ token: String, method: BlobTokenClaims.Method, blobKey: BlobKey, now: Date = Date()
    ) throws(DocketError) -> BlobTokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
              mac.count == SHA256.byteCount, let (keyID, claims) = BlobTokenClaims.parse(payload)
        else { throw DocketError(.tokenInvalid, "the token is malformed") }
        guard var hmac = keys[keyID] else {
            throw DocketError(.tokenInvalid, "the token is signed by an unknown key")
        }
        hmac.update(data: payload)
        // The MAC type's == compares in constant time.
        guard hmac.finalize() == mac else {
            throw DocketError(.tokenInvalid, "the token's signature does not match")
        }
        guard claims.method == method else {
            throw DocketError(.tokenInvalid, "the token is for \(claims.method.rawValue), not \(method.rawValue)")
        }
        guard claims.blobKey == blobKey, blobKey.path.hasPrefix(claims.userID.uuidString.lowercased() + "/") else {
            throw DocketError(.tokenInvalid, "the token is for another object")
        }
        guard Double(claims.expiresAt) > now.timeIntervalSince1970 else {
            throw DocketError(.tokenExpired, "the token expired at \(claims.expiryDate.formatted(.iso8601))")
        }
        return claims
    }
}

extension TokenKeyring {
    /// The keyring a process runs with: `DOCKET_SIGNING_KEY`, or the key
    /// file in the data directory, signs; `DOCKET_VERIFY_KEYS` verify too.
    public init(configuration: DocketConfiguration) throws(ConfigurationError) {
        let signing: String
        if let configured = configuration.signingKey {
            signing = configured
        } else {
            signing = try SigningKeyFile.secret(in: configuration.dataDirectory)
        }
        self.init(signingSecret: signing, verifyingSecrets: configuration.verifyingKeys)
    }
}
