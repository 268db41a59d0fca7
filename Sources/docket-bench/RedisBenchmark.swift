import ArgumentParser
import DocketCore
import Foundation
import RedisClient

/// `docket-bench redis`: sequential round trips and pipelined batches of
/// 100, beside redis-benchmark against the same server in the same run.
struct RedisBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redis", abstract: "RedisClient beside redis-benchmark.")

    @Option(help: "Commands per figure.") var count = 50_000
    @Option(help: "Rounds per figure; the best is kept.") var rounds = 3

    func run() async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: .redis)
        let configuration = try RedisConfiguration(url: settings.redisURL!)
        let connection = try await RedisConnection.connect(configuration: configuration)
        let value = [UInt8](repeating: 0x78, count: 3)

        var sequential = 0.0
        var sessionSequential = 0.0
        var pipelined = 0.0
        for _ in 0..<rounds {
            sequential = max(sequential, try await Stopwatch.rate(count: count) {
                for index in 0..<count { try await connection.send("SET", "bench:key:\(index % 1000)", value) }
            })
            let total = count
            sessionSequential = max(sessionSequential, try await Stopwatch.rate(count: count) {
                try await connection.withSession { session in
                    for index in 0..<total { try session.send("SET", "bench:key:\(index % 1000)", value) }
                }
            })
            let batch = (0..<100).map { RedisCommand("SET", "bench:key:\($0)", value) }
            pipelined = max(pipelined, try await Stopwatch.rate(count: count) {
                for _ in 0..<(count / 100) { _ = try await connection.pipeline(batch) }
            })
        }

        let target = ["-h", configuration.host, "-p", "\(configuration.port)", "-n", "\(count)", "-t", "set", "-d", "3", "-q"]
        let peerSequential = try bestOf(rounds) {
            try PeerCommand.number(before: "requests per second", in: PeerCommand.run("redis-benchmark", target + ["-c", "1"]))
        }
        let peerPipelined = try bestOf(rounds) {
            try PeerCommand.number(
                before: "requests per second", in: PeerCommand.run("redis-benchmark", target + ["-c", "1", "-P", "100"])
            )
        }
        _ = try await connection.send("DEL", "bench:key:0")

        BenchResult(bench: "redis", figure: "sequential", unit: "ops_per_s", docket: sequential,
                    peer: peerSequential, peerName: "redis-benchmark_c1").print()
        BenchResult(bench: "redis", figure: "sequential_in_session", unit: "ops_per_s", docket: sessionSequential,
                    peer: peerSequential, peerName: "redis-benchmark_c1").print()
        BenchResult(bench: "redis", figure: "pipelined_100", unit: "ops_per_s", docket: pipelined,
                    peer: peerPipelined, peerName: "redis-benchmark_c1_P100").print()
    }

    private func bestOf(_ rounds: Int, _ measure: () throws -> Double) throws -> Double {
        var best = 0.0
        for _ in 0..<rounds { best = max(best, try measure()) }
        return best
    }
}
