import DocketCore
import Foundation

/// The signing secret kept in the data directory when `DOCKET_SIGNING_KEY`
/// is unset (CONTRACT.md §1): generated once, 0600, and read by every
/// process sharing the directory. The first writer wins: the secret is
/// written to a private file and linked into place, so a replica starting
/// at the same moment reads a complete key or makes the link itself.
public enum SigningKeyFile {
    public static let name = "signing.key"

    /// The secret in `directory`/signing.key, generating it if absent.
    public static func secret(in directory: String) throws(ConfigurationError) -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        if let existing = try read(path) { return existing }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError(variable: "DOCKET_DATA_DIR", problem: "cannot create \(directory): \(error.localizedDescription)")
        }
        let fresh = Base64URL.encode(SecureRandom.bytes(32))
        let draft = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(draft) }
        let fd = open(draft, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(path, "cannot write") }
        let written = Array((fresh + "\n").utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == fresh.utf8.count + 1, synced == 0 else { throw failure(path, "cannot write") }
        if link(draft, path) != 0 && errno != EEXIST { throw failure(path, "cannot write") }
        guard let secret = try read(path) else { throw failure(path, "vanished while being created") }
        return secret
    }

    private static func read(_ path: String) throws(ConfigurationError) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw failure(path, "cannot be read") }
            return nil
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count >= 32 else { throw failure(path, "holds fewer than 32 characters") }
        return text
    }

    private static func failure(_ path: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(variable: "DOCKET_SIGNING_KEY", problem: "unset, and the key file \(path) \(problem)")
    }
}
