import ArgumentParser
import DocketCore
import Foundation
import PostgresClient

/// `docket-bench postgres`: sequential round trips and batched inserts of
/// 1,000 rows per statement, beside pgbench -c 1 running the same SQL
/// against the same server in the same run.
struct PostgresBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "postgres", abstract: "PostgresClient beside pgbench.")

    @Option(help: "Round trips for the sequential figure.") var count = 20_000
    @Option(help: "Batches of 1,000 rows for the insert figure.") var batches = 100
    @Option(help: "Rounds per figure; the best is kept.") var rounds = 3

    func run() async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: .database)
        let connection = try await PostgresConnection.connect(configuration: PostgresConfiguration(settings.databaseURL!))
        try await connection.withSession { session in
            try session.executeScript("""
                DROP TABLE IF EXISTS bench_rows;
                CREATE UNLOGGED TABLE bench_rows (id bigint NOT NULL, kind text NOT NULL, payload text NOT NULL)
                """)
        }
        let ids = Array(0..<1000)
        let kinds = ids.map { _ in "noop" }
        let payloads = ids.map { "{\"n\":\($0)}" }

        var sequential = 0.0
        var inserted = 0.0
        for _ in 0..<rounds {
            sequential = max(sequential, try await Stopwatch.rate(count: count) {
                for index in 0..<count { try await connection.query("SELECT $1::int8 + 1", index) }
            })
            inserted = max(inserted, try await Stopwatch.rate(count: batches * 1000) {
                for _ in 0..<batches {
                    try await connection.query(
                        "INSERT INTO bench_rows SELECT * FROM unnest($1::int8[], $2::text[], $3::text[])",
                        ids, kinds, payloads
                    )
                }
            })
        }

        let peerSequential = try bestOf(rounds) {
            try pgbench(script: "SELECT 1::int8 + 1;", transactions: count, url: settings.databaseURL!)
        }
        let peerInsert = try bestOf(rounds) {
            try pgbench(
                script: "INSERT INTO bench_rows SELECT g, 'noop', '{\"n\":' || g || '}' FROM generate_series(1, 1000) g;",
                transactions: batches, url: settings.databaseURL!
            ) * 1000
        }
        try await connection.query("DROP TABLE bench_rows")

        BenchResult(bench: "postgres", figure: "sequential", unit: "ops_per_s", docket: sequential,
                    peer: peerSequential, peerName: "pgbench_c1").print()
        BenchResult(bench: "postgres", figure: "batched_insert_1000", unit: "rows_per_s", docket: inserted,
                    peer: peerInsert, peerName: "pgbench_c1_generate_series").print()
    }

    /// Transactions per second of pgbench running `script` on one connection.
    private func pgbench(script: String, transactions: Int, url: String) throws -> Double {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-\(UUID()).sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try PeerCommand.run(
            "pgbench", ["-n", "-c", "1", "-M", "extended", "-t", "\(transactions)", "-f", file.path, url]
        )
        return try PeerCommand.number(after: "tps =", in: output)
    }

    private func bestOf(_ rounds: Int, _ measure: () throws -> Double) throws -> Double {
        var best = 0.0
        for _ in 0..<rounds { best = max(best, try measure()) }
        return best
    }
}
