/// Where and how to reach Postgres, read once at start-up.
///
/// `connectionString` goes to libpq as is, so a `postgres://` URL, a
/// `key=value` conninfo, sslmode, service files and the PG* environment
/// variables all work as they do for psql.
public struct PostgresConfiguration: Sendable, Equatable {
    public var connectionString: String
    /// Connections a pool opens at most.
    public var maxConnections: Int = 10
    /// How long a caller waits for a free pooled connection before failing.
    public var checkoutTimeout: Duration = .seconds(5)
    /// Attempts of a transaction that fails with a serialization failure or
    /// deadlock, when the caller asks for retries.
    public var transactionAttempts: Int = 5

    public init(_ connectionString: String) {
        self.connectionString = connectionString
    }
}
