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

    /// Copies `rows` into `table`'s `columns` (`COPY … FROM STDIN` in the
    /// binary format: two round trips, whatever the row count); returns the
    /// rows copied. The server parses no text or arrays and runs no query
    /// plan for it, so large batches cost less than `INSERT … SELECT FROM
    /// unnest(…)`. `table` and `columns` are SQL identifiers from code.
    @discardableResult
    public func copy(into table: String, columns: [String], rows: PostgresCopyRows) throws -> Int {
        precondition(rows.isComplete, "COPY rows sent with a row still open")  // programmer error
        return try handle.copyIn(
            "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN (FORMAT binary)", data: rows.bytes
        )
    }

    /// Whether a transaction block is open (statements run inside it).
    public var isInTransaction: Bool { handle.isInTransaction }

    /// The server process serving this session.
    public var backendPID: Int { Int(handle.backendPID) }
}
