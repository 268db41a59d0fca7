import BlobStore
import Crypto
@testable import DocketAPI
import DocketCore
import Foundation
import Testing

/// Blob tokens: every field is signed, and each way a token can be wrong
/// gets the contract's answer (CONTRACT.md §3: token_invalid, token_expired).
@Suite struct TokenKeyringTests {
    let user = UUID()
    let document = UUID()
    let keyring = TokenKeyring(signingSecret: String(repeating: "s", count: 40))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    var blob: BlobKey { .original(user: user, document: document) }

    func uploadClaims(expiresIn seconds: Double = 3600) -> BlobTokenClaims {
        BlobTokenClaims(method: .put, blobKey: blob, userID: user, sizeBytes: 1234, expiresAt: now + seconds)
    }

    func rejection(_ token: String, method: BlobTokenClaims.Method = .put, blobKey: BlobKey? = nil) -> DocketError? {
        #expect(throws: DocketError.self) { try keyring.verify(token, method: method, blobKey: blobKey ?? blob, now: now) }
    }

    @Test func aSignedTokenVerifiesToItsClaims() throws {
        let claims = uploadClaims()
        let verified = try keyring.verify(keyring.sign(claims), method: .put, blobKey: blob, now: now)
        #expect(verified == claims)
        #expect(verified.sizeBytes == 1234)
    }

    /// The token is DESIGN.md's format exactly, its MAC the plain
    /// HMAC-SHA256 of the payload: tokens signed before still verify.
    @Test func theTokenIsTheDocumentedPayloadAndItsHMAC() throws {
        let secret = String(repeating: "s", count: 40)
        let user = try #require(UUID(uuidString: "0190A0B1-C2D3-7E4F-8A9B-0C1D2E3F4A5B"))
        let claims = BlobTokenClaims(
            method: .get, blobKey: .original(user: user, document: user), userID: user,
            expiresAt: Date(timeIntervalSince1970: 1_800_000_000), nonce: Array(0..<16)
        )
        let id = "0190a0b1-c2d3-7e4f-8a9b-0c1d2e3f4a5b"
        let payload = "1|\(TokenKeyring.keyID(of: secret))|GET|\(id)/\(id)/original.pdf|\(id)||1800000000|AAECAwQFBgcICQoLDA0ODw"
        let parts = keyring.sign(claims).split(separator: ".")
        #expect(parts.count == 2)
        #expect(Base64URL.decode(parts[0]).map { String(decoding: $0, as: UTF8.self) } == payload)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        #expect(Base64URL.decode(parts[1]) == Array(mac))
    }

    @Test func twoTokensForTheSameUploadDiffer() {
        #expect(keyring.sign(uploadClaims()) != keyring.sign(uploadClaims()))
    }

    /// Each field changed after signing: the MAC no longer matches.
    @Test(arguments: 1..<8) func aPayloadChangedInAnyFieldIsInvalid(field: Int) throws {
        let token = keyring.sign(uploadClaims())
        let parts = token.split(separator: ".").map(String.init)
        var fields = String(decoding: try #require(Base64URL.decode(parts[0])), as: UTF8.self)
            .split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        fields[field] = switch field {
        case 1: TokenKeyring.keyID(of: String(repeating: "t", count: 40))
        case 2: "GET"
        case 3: BlobKey.original(user: user, document: UUID()).path
        case 4: UUID().uuidString.lowercased()
        case 5: "1235"
        case 6: String(Int64(fields[6])! + 86_400)
        default: Base64URL.encode(SecureRandom.bytes(16))
        }
        let forged = Base64URL.encode(Array(fields.joined(separator: "|").utf8)) + "." + parts[1]
        #expect(rejection(forged)?.code == .tokenInvalid)
    }

    @Test(arguments: ["", "abc", "a.b.c", "!!.??", "eyJ.", ".c2ln"])
    func aMalformedTokenIsInvalid(token: String) {
        #expect(rejection(token)?.code == .tokenInvalid)
    }

    @Test func aFlippedSignatureBitIsInvalid() {
        var bytes = Array(keyring.sign(uploadClaims()).utf8)
        let last = bytes.count - 2
        bytes[last] = bytes[last] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(rejection(String(decoding: bytes, as: UTF8.self))?.code == .tokenInvalid)
    }

    @Test func anotherObjectMethodOrUserIsInvalid() {
        let token = keyring.sign(uploadClaims())
        #expect(rejection(token, blobKey: .original(user: user, document: UUID()))?.code == .tokenInvalid)
        #expect(rejection(token, blobKey: .thumbnail(user: user, document: document, page: 1))?.code == .tokenInvalid)
        #expect(rejection(token, method: .get)?.code == .tokenInvalid)
        // Signed by us, but naming a user who does not own the blob.
        let stranger = BlobTokenClaims(method: .put, blobKey: blob, userID: UUID(), sizeBytes: 1, expiresAt: now + 60)
        #expect(rejection(keyring.sign(stranger))?.code == .tokenInvalid)
    }

    @Test func aTokenPastItsExpiryIsExpiredNotInvalid() {
        #expect(rejection(keyring.sign(uploadClaims(expiresIn: -1)))?.code == .tokenExpired)
        // The expiry second itself is already too late.
        #expect(rejection(keyring.sign(uploadClaims(expiresIn: 0)))?.code == .tokenExpired)
    }

    @Test func anUnknownKeyIsInvalidAndRotationKeepsOldTokensValid() throws {
        let old = TokenKeyring(signingSecret: String(repeating: "o", count: 40))
        let oldToken = old.sign(uploadClaims())
        #expect(rejection(oldToken)?.code == .tokenInvalid)
        let rotated = TokenKeyring(
            signingSecret: String(repeating: "n", count: 40), verifyingSecrets: [String(repeating: "o", count: 40)]
        )
        #expect(try rotated.verify(oldToken, method: .put, blobKey: blob, now: now) == uploadClaims().withNonce(of: oldToken))
        #expect(rotated.signingKeyID == TokenKeyring.keyID(of: String(repeating: "n", count: 40)))
    }

    @Test func theKeyFileIsMadeOnceAndShared() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-keys-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try SigningKeyFile.secret(in: directory)
        #expect(first.utf8.count >= 32)
        #expect(try SigningKeyFile.secret(in: directory) == first)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/signing.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // Only the key file is left: the drafts it was written through are gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["signing.key"])
    }

    @Test func aShortKeyFileStopsTheProcessWithOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-keys-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "short\n".write(toFile: directory + "/signing.key", atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigurationError.self) { try SigningKeyFile.secret(in: directory) }
        #expect(error?.variable == "DOCKET_SIGNING_KEY")
    }
}

extension BlobTokenClaims {
    /// These claims with the nonce `token` carries (to compare a parsed token with claims made anew).
    func withNonce(of token: String) -> BlobTokenClaims {
        var copy = self
        let payload = Base64URL.decode(token.split(separator: ".")[0])!
        copy.nonce = BlobTokenClaims.parse(payload)!.claims.nonce
        return copy
    }
}
