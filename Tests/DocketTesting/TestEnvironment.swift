import Foundation
import PostgresClient
import RedisClient

/// Finds the servers that `scripts/test` started and exported.
public enum TestEnvironment {
    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public var description: String {
            "\(variable) is not set: run the tests through scripts/test, which starts Redis and PostgreSQL"
        }
    }

    public static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(variable: name) }
        return value
    }

    /// The shared test Redis. Tests use their own key prefixes (`TestKeys`).
    public static func redisConfiguration() throws -> RedisConfiguration {
        try RedisConfiguration(url: value("REDIS_URL"))
    }

    /// The shared test server's URL (its maintenance database).
    public static func databaseURL() throws -> String {
        try value("DATABASE_URL")
    }
}
