import DocketCore
import Foundation
import JobQueue
import PostgresClient

/// Idle latency: with a worker waiting and the queue empty, one job at a
/// time is enqueued (its own transaction, as an API request does) and the
/// time until the worker marked it running is read back from the ledger:
/// commit → NOTIFY → relay → Redis → worker's blocking wait → claim → start.
struct LatencyProbe {
    let postgres: PostgresPool
    /// The relay of this process, rung with each committed job as docket-api does.
    let bell: RelayBell

    struct Sample {
        /// From just before the enqueuing transaction began: what a caller
        /// that enqueues and commits sees.
        let fromBegin: Double
        /// From the moment the commit returned: the job exists only from then.
        let fromCommit: Double
    }

    /// One sample per job, in milliseconds up to the job's `started_at`.
    func sample(_ count: Int) async throws -> [Sample] {
        var samples: [Sample] = []
        for _ in 0..<count {
            let before = Date()
            let job = try await postgres.transaction { try JobLedger.enqueue([NewJob(kind: NoopEnqueuer.kind)], in: $0)[0] }
            let committed = Date()
            bell.ring(publishing: [job])
            let started = try await startedAt(job.id)
            samples.append(Sample(
                fromBegin: started.timeIntervalSince(before) * 1000, fromCommit: started.timeIntervalSince(committed) * 1000
            ))
            // Idle between jobs, so each one meets a waiting worker.
            try await Task.sleep(for: .milliseconds(Int.random(in: 5...20)))
        }
        return samples
    }

    private func startedAt(_ id: UUID) async throws -> Date {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            // `started_at` is the worker's clock, so polling often buys no
            // precision; it would only take CPU from the path measured —
            // hence no query until the job has had time to start.
            try await Task.sleep(for: .milliseconds(3))
            let rows = try await postgres.query("SELECT started_at FROM jobs WHERE id = $1", id)
            if let started = try rows.first?.decode(0, as: Date?.self) { return started }
        }
        throw DrainWatch.Stalled(left: 1)
    }

    /// The `p`-th percentile (0…100) by nearest rank.
    static func percentile(_ p: Double, of samples: [Double]) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
