import Foundation
import Logging
import PostgresClient
import RedisClient
import Synchronization

/// Group commit for finished jobs: the successes that arrive while one
/// group is being written form the next group, written as one Postgres
/// transaction (one commit, one WAL flush) and acked in one Redis hop.
///
/// Jobs without effects share one fenced `UPDATE`; a job with effects gets
/// its own savepoint with its own fenced transition, so one handler's failing
/// effects roll back that job alone.
final class SuccessRecorder: Sendable {
    /// How `record` ended for one job.
    enum Recorded: Sendable {
        /// Succeeded in the ledger, effects committed, acked.
        case recorded
        /// The ledger refused the transition (a later attempt owns the job,
        /// or it is finished): effects rolled back, acked.
        case fenced
    }

    private struct Entry {
        let job: RunningJob
        let outcome: JobOutcome
        let continuation: CheckedContinuation<Recorded, any Error>
    }

    private struct State {
        var pending: [Entry] = []
        var closed = false
    }

    private let postgres: PostgresPool
    private let redis: RedisPool
    private let dispatch: RedisDispatch
    private let worker: String
    private let maxGroup: Int
    private let state = Mutex(State())
    private let wake = WakeSignal()

    init(postgres: PostgresPool, redis: RedisPool, dispatch: RedisDispatch, worker: String, maxGroup: Int = 1000) {
        self.postgres = postgres
        self.redis = redis
        self.dispatch = dispatch
        self.worker = worker
        self.maxGroup = maxGroup
    }

    /// Records `job`'s success with its effects; returns once written and
    /// acked. Throws what failed: the handler's effects, or the database
    /// (the caller retries while it is unavailable).
    func record(_ job: RunningJob, _ outcome: JobOutcome) async throws -> Recorded {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLock { state in
                guard !state.closed else { return false }
                state.pending.append(Entry(job: job, outcome: outcome, continuation: continuation))
                return true
            }
            guard accepted else { return continuation.resume(throwing: CancellationError()) }
            wake.signal()
        }
    }

    /// Writes groups until `close` and nothing is pending. Cancelled, it
    /// fails what is pending with `CancellationError` (the jobs are handed back).
    func run() async {
        while true {
            let (group, closed) = state.withLock { state in
                let group = Array(state.pending.prefix(maxGroup))
                state.pending.removeFirst(group.count)
                return (group, state.closed)
            }
            if !group.isEmpty {
                await write(group)
            } else if closed {
                return
            } else if Task.isCancelled {
                close()
            } else {
                await wake.wait(timeout: .seconds(1))
            }
        }
    }

    /// Refuses new work; `run` returns once what is pending is written.
    func close() {
        state.withLock { $0.closed = true }
        wake.signal()
    }

    private func write(_ group: [Entry]) async {
        let jobs = group.map { ($0.job, $0.outcome) }
        let worker = self.worker
        do {
            let result = try await postgres.transaction(retrying: true) { tx in
                try SuccessRecorder.transition(jobs, worker: worker, in: tx)
            }
            let acked = group.map(\.job.claimed).filter { result.failures[$0] == nil }
            let dispatch = self.dispatch
            try await redis.withSession { try dispatch.finish(acked, in: $0) }
            for entry in group {
                if let failure = result.failures[entry.job.claimed] {
                    entry.continuation.resume(throwing: failure)
                } else {
                    entry.continuation.resume(returning: result.recorded.contains(entry.job.claimed) ? .recorded : .fenced)
                }
            }
        } catch {
            for entry in group { entry.continuation.resume(throwing: error) }
        }
    }

    private struct Transition: Sendable {
        var recorded: Set<ClaimedJob> = []
        var failures: [ClaimedJob: any Error] = [:]
    }

    private static func transition(
        _ jobs: [(RunningJob, JobOutcome)], worker: String, in tx: borrowing PostgresSession
    ) throws -> Transition {
        var result = Transition()
        let plain = jobs.filter { $0.1.effects == nil }.map(\.0)
        let written = try JobLedger.recordSuccesses(plain, worker: worker, in: tx)
        result.recorded.formUnion(plain.map(\.claimed).filter { written.contains($0.id) })
        for (job, outcome) in jobs {
            guard let effects = outcome.effects else { continue }
            try tx.executeScript("SAVEPOINT job_effects")
            do {
                if try JobLedger.recordSuccess(of: job, worker: worker, in: tx) {
                    try effects(tx)
                    result.recorded.insert(job.claimed)
                }
                try tx.executeScript("RELEASE SAVEPOINT job_effects")
            } catch let error where !((error as? PostgresError)?.isUnavailable ?? false) {
                try tx.executeScript("ROLLBACK TO SAVEPOINT job_effects")
                try tx.executeScript("RELEASE SAVEPOINT job_effects")
                result.failures[job.claimed] = error
            }
        }
        return result
    }
}
