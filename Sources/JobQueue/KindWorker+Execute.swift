import DocketCore
import Foundation
import Logging
import PostgresClient
import RedisClient

extension KindWorker {
    /// Runs one job and records how it ended.
    func execute(_ started: RunningJob, _ row: LedgerJob) async {
        let job = started.claimed
        defer {
            running.remove(job)
            changed.signal()
        }
        // Metadata per call, not per job: setting a logger's metadata costs
        // as much as running a no-op job.
        func jobMetadata() -> Logger.Metadata { ["job.id": "\(job.id)", "job.attempt": "\(job.attempt)"] }
        let clock = ContinuousClock()
        let began = clock.now
        do {
            let outcome = try await performWithTimeout(row)
            running.handlerReturned(job)
            let recorded = try await untilAvailable { try await self.successes.record(started, outcome) }
            if recorded == .fenced {
                logger.info("job already finished elsewhere; effects rolled back", metadata: jobMetadata())
            }
            tally.finished(handler.kind, .succeeded, after: clock.now - began)
        } catch where Task.isCancelled {
            // Shutdown past its grace: the job is handed back, not failed.
            interrupted.insert(started)
        } catch {
            let failure = (error as? JobFailure) ?? JobFailure(.internal, "\(error)")
            let dead = !failure.isRetryable || row.isLastAttempt(job.attempt)
            let delay = handler.backoff.delay(afterAttempt: job.attempt - row.attemptFloor)
            logger.info("job failed", metadata: jobMetadata().merging([
                "job.error_code": "\(failure.code)", "job.outcome": "\(dead ? "dead" : "retried")",
            ]) { $1 })
            do {
                try await untilAvailable { try await self.recordFailure(started, row, failure, dead: dead, delay: delay) }
                tally.finished(handler.kind, dead ? .dead : .retried, after: clock.now - began)
            } catch {
                logger.warning("could not record the failure; the lease will expire",
                               metadata: jobMetadata().merging(["error": "\(error)"]) { $1 })
            }
        }
    }

    private func performWithTimeout(_ row: LedgerJob) async throws -> JobOutcome {
        let (perform, timeout) = (handler.perform, handler.timeout)
        return try await withThrowingTaskGroup(of: JobOutcome.self) { group in
            group.addTask { try await perform(row) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw JobFailure(code: JobErrorCode.internal.rawValue, retryable: true, message: "timed out after \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func recordFailure(
        _ started: RunningJob, _ row: LedgerJob, _ failure: JobFailure, dead: Bool, delay: Duration
    ) async throws {
        let (owner, job, whenDead) = (self.owner, started.claimed, handler.whenDead)
        let nextRunAt = dead ? nil : Date().addingTimeInterval(delay.seconds)
        try await postgres.transaction(retrying: true) { tx in
            let applied = try JobLedger.recordFailure(
                of: started, worker: owner, failure: failure, outcome: dead ? .dead : .retried, nextRunAt: nextRunAt, in: tx
            )
            if dead, applied, let whenDead { try whenDead(row, failure, tx) }
        }
        let dispatch = self.dispatch
        try await redis.withSession { session in
            if dead {
                try dispatch.finish([job], in: session)
            } else {
                try dispatch.retry(job, after: delay, in: session)
            }
        }
    }

    /// Retries `operation` while Postgres or Redis is unreachable, or its
    /// transaction keeps losing to others (deadlock, serialization): the
    /// heartbeat keeps the lease meanwhile; gives up only at shutdown.
    private func untilAvailable<R>(_ operation: () async throws -> R) async throws -> R {
        var pause = Duration.milliseconds(50)
        while true {
            do {
                return try await operation()
            } catch let error where KindWorker.isUnavailable(error) && !Task.isCancelled
                || (error as? PostgresError)?.isTransientTransactionFailure == true && !Task.isCancelled
            {
                logger.warning("completion waits for the database", metadata: ["error": "\(error)"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            }
        }
    }

    static func isUnavailable(_ error: any Error) -> Bool {
        if let error = error as? PostgresError { return error.isUnavailable }
        if let error = error as? RedisError { return [.connectionLost, .connectionFailed, .poolExhausted].contains(error.code) }
        return false
    }
}
