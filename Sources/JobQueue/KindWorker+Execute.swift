import DocketCore
import Foundation
import Logging
import PostgresClient
import RedisClient

extension KindWorker {
    /// Runs one job and records how it ended.
    func execute(_ job: ClaimedJob, _ row: LedgerJob) async {
        defer {
            running.remove(job)
            changed.signal()
        }
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "job.attempt"] = "\(job.attempt)"
        let startedAt = Date()
        do {
            let outcome = try await performWithTimeout(row)
            try await untilAvailable(logger) { try await self.recordSuccess(job, outcome) }
        } catch is CancellationError {
            // Shutdown past its grace: the job is handed back, not failed.
            return
        } catch {
            let failure = (error as? JobFailure) ?? JobFailure(.internal, "\(error)")
            let dead = !failure.isRetryable || row.isLastAttempt(job.attempt)
            let delay = handler.backoff.delay(afterAttempt: job.attempt - row.attemptFloor)
            logger.info("job failed", metadata: [
                "job.error_code": "\(failure.code)", "job.outcome": "\(dead ? "dead" : "retried")",
            ])
            do {
                try await untilAvailable(logger) {
                    try await self.recordFailure(job, failure, startedAt: startedAt, dead: dead, delay: delay)
                }
            } catch {
                logger.warning("could not record the failure; the lease will expire", metadata: ["error": "\(error)"])
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

    /// The handler's effects and `→ succeeded` in one transaction, then the
    /// Redis ack. A fenced transition (a later attempt owns the job, or it
    /// finished already) rolls the effects back.
    private func recordSuccess(_ job: ClaimedJob, _ outcome: JobOutcome) async throws {
        struct Fenced: Error {}
        do {
            try await postgres.transaction { tx in
                guard try JobLedger.recordSuccess(of: job.id, attempt: job.attempt, in: tx) else { throw Fenced() }
                try outcome.effects?(tx)
            }
        } catch is Fenced {
            logger.info("job already finished elsewhere; effects rolled back", metadata: ["job.id": "\(job.id)"])
        }
        let dispatch = self.dispatch
        try await redis.withSession { try dispatch.finish([job], in: $0) }
    }

    private func recordFailure(
        _ job: ClaimedJob, _ failure: JobFailure, startedAt: Date, dead: Bool, delay: Duration
    ) async throws {
        let owner = self.owner
        let nextRunAt = dead ? nil : Date().addingTimeInterval(delay.seconds)
        try await postgres.transaction { tx in
            try JobLedger.recordFailure(
                of: job.id, attempt: job.attempt, worker: owner, startedAt: startedAt, failure: failure,
                outcome: dead ? .dead : .retried, nextRunAt: nextRunAt, in: tx
            )
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

    /// Retries `operation` while Postgres or Redis is unreachable (the
    /// heartbeat keeps the lease meanwhile); gives up only at shutdown.
    private func untilAvailable(_ logger: Logger, _ operation: () async throws -> Void) async throws {
        var pause = Duration.milliseconds(50)
        while true {
            do {
                return try await operation()
            } catch let error where KindWorker.isUnavailable(error) && !Task.isCancelled {
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
