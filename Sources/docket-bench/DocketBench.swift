import ArgumentParser

/// Docket's benchmarks. Each figure is one `RESULT key=value …` line, with
/// the peer's figure from the same run beside it: the machines are shared
/// and noisy, so only ratios mean anything.
@main
struct DocketBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket-bench",
        abstract: "Benchmark Docket beside its peers; prints RESULT lines.",
        subcommands: [RedisBenchmark.self, PostgresBenchmark.self, QueueBenchmark.self, APIBenchmark.self, PDFBenchmark.self, EnqueueHookCommand.self, WorkerCommand.self]
    )
}
