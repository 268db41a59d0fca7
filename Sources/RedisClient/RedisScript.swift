import Crypto

/// A Lua script, run with EVALSHA; on NOSCRIPT (a restarted or flushed
/// server) it is sent once with EVAL, which caches it again.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// The SHA-1 Redis knows the script by.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8))
            .map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }
            .joined()
    }

    func evalsha(keys: [any RedisArgument], arguments: [any RedisArgument]) -> RedisCommand {
        RedisCommand("EVALSHA", [sha1, keys.count] + keys + arguments)
    }

    func eval(keys: [any RedisArgument], arguments: [any RedisArgument]) -> RedisCommand {
        RedisCommand("EVAL", [source, keys.count] + keys + arguments)
    }
}
