import PostgresClient

extension JobLedger {
    /// Runs `body` with the planner held to one plan: for each unnested id,
    /// one primary-key probe (no sequential scan, hash or merge join), in
    /// the order the ids were bound. A queue table's statistics always say
    /// "nearly everything finished", and from them the planner picks, by
    /// turns, a scan of the whole table (110 ms per 500 jobs at 300,000
    /// rows, measured) or of the whole live index. The settings are
    /// `SET LOCAL` and restored after `body`, so a handler's effects later
    /// in the same transaction plan as usual; outside a transaction `body`
    /// gets one of its own.
    static func probingByKey<R>(
        in session: borrowing PostgresSession, _ body: (borrowing PostgresSession) throws -> R
    ) throws -> R {
        let own = !session.isInTransaction
        if own { try session.executeScript("BEGIN") }
        do {
            try session.executeScript(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off"
            )
            let result = try body(session)
            if own {
                try session.executeScript("COMMIT")
            } else {
                try session.executeScript(
                    "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT"
                )
            }
            return result
        } catch {
            if own { try? session.executeScript("ROLLBACK") }
            throw error
        }
    }
}
