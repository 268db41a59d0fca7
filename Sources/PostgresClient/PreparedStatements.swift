/// The statements one connection has prepared, by SQL text and parameter
/// types. Preparing once per connection spares every later execution the
/// server's parse and plan: measured here, planning the worker's job-load
/// statement took 1.4 ms against 0.2 ms of execution, and it sits on the
/// path from commit to a job's start.
///
/// Only SQL of `PostgresSession.query` is prepared: its text is a constant
/// per call site (values travel as parameters), so the set stays small.
/// The cap guards against a caller that builds SQL from data all the same:
/// past it, statements run unprepared. Named statements are per session,
/// so a pooler in transaction mode (PgBouncer) would not work.
struct PreparedStatements {
    struct Key: Hashable {
        let sql: String
        let types: [UInt32]
    }

    static let capacity = 256
    private var names: [Key: String] = [:]
    private var next = 0

    func name(for key: Key) -> String? { names[key] }

    /// A fresh name, or nil when the cache is full.
    mutating func reserveName() -> String? {
        guard names.count < PreparedStatements.capacity else { return nil }
        next += 1
        return "docket_\(next)"
    }

    mutating func remember(_ name: String, for key: Key) { names[key] = name }

    /// Forgets a statement the server no longer runs as prepared: it was
    /// deallocated, or a table it reads changed shape.
    mutating func forget(_ key: Key) { names[key] = nil }

    /// SQLSTATEs after which a prepared statement must be prepared again:
    /// 26000 (no such statement), 0A000 ("cached plan must not change
    /// result type").
    static func invalidates(_ sqlState: String?) -> Bool {
        sqlState == "26000" || sqlState == "0A000"
    }
}
