import ArgumentParser
import DocketCore
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient

/// `docket-bench queue`: no-op jobs through the whole engine, ledger on.
/// Enqueue (one per transaction, then batches of 1,000), processing with 1
/// and 2 worker processes measured as ../shared/bench/peers measures its
/// peers, and idle enqueue→start latency. `scripts/bench queue` runs it and
/// then Sidekiq and Docket side by side in one `run.sh` of the peers.
struct QueueBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "The job engine end to end.")

    @Option(help: "Jobs per measurement; a tenth is enqueued one by one.") var jobs = 20_000
    @Option(help: "Worker process counts to measure, comma-separated.") var procs = "1,2"
    @Option(help: "Jobs run at once per worker process.") var concurrency = 1000
    @Option(help: "Most jobs a worker takes per claim.") var claimBatch = 500
    @Option(help: "Idle latency samples.") var samples = 200

    func run() async throws {
        let settings = DocketConfiguration.loadOrExit(requiring: [.database, .redis])
        var logger = Logger(label: "docket.bench.queue")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        try await NoopEnqueuer.migrate(settings.databaseURL!, logger: logger)
        let postgres = PostgresPool(configuration: PostgresConfiguration(settings.databaseURL!), logger: logger)
        let redis = RedisPool(configuration: try RedisConfiguration(url: settings.redisURL!), logger: logger)
        let enqueuer = NoopEnqueuer(postgres: postgres, redis: redis, logger: logger)
        let single = jobs / 10

        for count in procs.split(separator: ",").compactMap({ Int($0) }) {
            let timings = try await enqueuer.run(single: single, bulk: jobs - single)
            let workers = try WorkerProcesses(count: count, kinds: "noop", concurrency: concurrency, claimBatch: claimBatch)
            let figures: DrainWatch.Figures
            do {
                figures = try await DrainWatch(redis: redis, key: NoopEnqueuer.knownKey, total: jobs)
                    .watch { workers.allRunning }
            } catch {
                workers.stop()
                throw error
            }
            workers.stop()
            print(
                "RESULT bench=queue peer=docket procs=\(count) n=\(jobs) per_proc=concurrency=\(concurrency),claim=\(claimBatch)",
                "enqueue1_jps=\(Int(Double(single) / timings.singleSeconds))",
                "enqueue_jps=\(Int(Double(jobs - single) / timings.bulkSeconds))",
                "enqueue_published_jps=\(Int(Double(jobs - single) / timings.bulkPublishedSeconds))",
                "process_jps=\(Int(figures.processJPS))", "mid_jps=\(figures.midJPS.map { "\(Int($0))" } ?? "na")",
                "boot_s=\(String(format: "%.2f", figures.bootSeconds))"
            )
        }

        let relay = OutboxRelay(postgres: postgres, redis: redis, logger: logger)
        let relaying = Task { try await relay.run() }
        let worker = try WorkerProcesses(count: 1, kinds: "noop", concurrency: concurrency, claimBatch: claimBatch)
        let sampled: Result<[LatencyProbe.Sample], any Error>
        do {
            try await Task.sleep(for: .seconds(1))  // booted and waiting
            let probe = LatencyProbe(postgres: postgres, bell: relay.bell)
            // Warm-up, not counted: the worker's first jobs open its pooled
            // connections and load its scripts.
            _ = try await probe.sample(20)
            sampled = .success(try await probe.sample(samples))
        } catch {
            sampled = .failure(error)
        }
        worker.stop()
        // The relay ends before the pools it uses shut down.
        relaying.cancel()
        _ = await relaying.result
        let latencies = try sampled.get()
        for (figure, values) in [("idle_latency", latencies.map(\.fromBegin)), ("idle_latency_from_commit", latencies.map(\.fromCommit))] {
            print(
                "RESULT bench=queue figure=\(figure) samples=\(samples)",
                "p50_ms=\(String(format: "%.2f", LatencyProbe.percentile(50, of: values)))",
                "p99_ms=\(String(format: "%.2f", LatencyProbe.percentile(99, of: values)))",
                "max_ms=\(String(format: "%.2f", values.max() ?? .nan))"
            )
        }
        await postgres.shutdown()
        await redis.shutdown()
    }
}
