/// Synchronous access to a connection, lent for one `withSession` or
/// `transaction` call. Everything done through it runs on the connection's
/// own thread in a single hop.
public struct PostgresSession: ~Copyable {
    let handle: PostgresHandle

    /// Runs one statement with `$1, $2 …` parameters.
    @discardableResult
    public func query(_ sql: String, _ binds: any PostgresEncodable...) throws -> PostgresRows {
        try handle.execute(sql, binds: binds.map(\.postgresBind))
    }

    /// Runs one statement with its parameters given as an array.
    @discardableResult
    public func query(_ sql: String, binds: [any PostgresEncodable]) throws -> PostgresRows {
        try handle.execute(sql, binds: binds.map(\.postgresBind))
    }

    /// Runs several statements without parameters (DDL, migrations, or
    /// `BEGIN` with a first query) in one round trip; returns the rows of
    /// the last one.
    @discardableResult
    public func executeScript(_ sql: String) throws -> PostgresRows {
        try handle.executeScript(sql)
    }

    /// Runs `sql`, a `COPY … FROM STDIN` statement, with `rows` as its data
    /// (two round trips, whatever the row count); returns the rows copied.
    /// The server parses no arrays and runs no query plan for it, so large
    /// batches cost less than `INSERT … SELECT FROM unnest(…)`.
    @discardableResult
    public func copy(_ sql: String, rows: PostgresCopyRows) throws -> Int {
        try handle.copyIn(sql, data: rows.bytes)
    }

    /// Whether a transaction block is open (statements run inside it).
    public var isInTransaction: Bool { handle.isInTransaction }

    /// The server process serving this session.
    public var backendPID: Int { Int(handle.backendPID) }
}
