import Foundation

/// Where and how to reach Redis: read once from a `redis://` URL at start-up.
public struct RedisConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int
    /// How long a connect attempt may take.
    public var connectTimeout: Duration = .seconds(2)
    /// The socket timeout of a command; `nil` waits forever. hiredis drops the
    /// connection when it passes, so a blocking command (BLMOVE, XREADGROUP
    /// BLOCK) needs a connection whose timeout exceeds its block time.
    public var commandTimeout: Duration? = .seconds(5)
    /// How long a command waits for a lost connection to come back, retrying
    /// with backoff, before it fails with `connectionFailed`.
    public var reconnectWindow: Duration = .seconds(2)

    public init(host: String = "127.0.0.1", port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]`.
    public init(url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "redis",
              let host = components.host, !host.isEmpty
        else {
            throw RedisError(.invalidConfiguration, "expected redis://[:password@]host[:port][/db]")
        }
        self.init(host: host, port: components.port ?? 6379)
        if let user = components.user, !user.isEmpty { username = user.removingPercentEncoding }
        password = components.password?.removingPercentEncoding
        let path = components.path.drop(while: { $0 == "/" })
        if !path.isEmpty {
            guard let db = Int(path), db >= 0 else {
                throw RedisError(.invalidConfiguration, "the database in a redis:// URL is a number, not '\(path)'")
            }
            database = db
        }
    }

    /// A copy whose commands may block for `blockTime` without the socket timing out.
    public func forBlockingCommands(upTo blockTime: Duration) -> RedisConfiguration {
        var copy = self
        copy.commandTimeout = blockTime + .seconds(5)
        return copy
    }
}
