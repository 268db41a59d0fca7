import DocketCore
import Foundation
import RedisClient
import UUIDText

/// One kind's queue in Redis: the fast lane in front of the ledger.
///
/// Every operation is one script (or one blocking command) over the keys of
/// `DispatchKeys`, run through a `RedisSession` so that callers combine
/// several in one hop to the connection's thread.
public struct RedisDispatch: Sendable {
    public let kind: JobKind
    let keys: DispatchKeys

    public init(kind: JobKind) {
        self.kind = kind
        self.keys = DispatchKeys(kind: kind)
    }

    /// Makes jobs claimable (or schedules them for their run time). A job
    /// already known is left alone, so publishing twice is harmless.
    /// Returns how many were new. Jobs all due now and never tried (a
    /// commit's, rung in this process) go by the lean `publishReady`.
    @discardableResult
    public func publish(_ jobs: [PublishedJob], in session: borrowing RedisSession) throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        if jobs.allSatisfy({ $0.runAt == nil && $0.attemptsSoFar == 0 }) {
            var listed = Set<UUID>(minimumCapacity: jobs.count)
            let ids: [any RedisArgument] = jobs.compactMap { listed.insert($0.id).inserted ? $0.id.lowercasedString : nil }
            return try session.eval(DispatchScripts.publishReady, keys: [keys.known, keys.ready], arguments: ids).int ?? 0
        }
        var arguments: [any RedisArgument] = []
        arguments.reserveCapacity(jobs.count * 3)
        for job in jobs {
            arguments.append(job.id.lowercasedString)
            arguments.append(job.runAt.map { Int(($0.timeIntervalSince1970 * 1000).rounded(.up)) } ?? 0)
            arguments.append(job.attemptsSoFar)
        }
        let reply = try session.eval(
            DispatchScripts.publish, keys: [keys.known, keys.ready, keys.scheduled, keys.attempts], arguments: arguments
        )
        return reply.int ?? 0
    }

    /// Leases up to `max` ready jobs to `owner` for `lease`, in one step
    /// that records owner, attempt and deadline together. Due retries and
    /// expired leases return to ready first.
    public func claim(
        owner: String, max: Int, lease: Duration, in session: borrowing RedisSession
    ) throws -> [ClaimedJob] {
        let reply = try session.eval(
            DispatchScripts.claim,
            keys: [keys.ready, keys.scheduled, keys.leased, keys.lease, keys.attempts, keys.known, keys.parked(for: owner)],
            arguments: [owner, max, lease.wholeMilliseconds, 1000]
        )
        guard let values = reply.array else {
            throw RedisError(.unexpectedReply, "claim returned \(reply)")
        }
        var claimed: [ClaimedJob] = []
        claimed.reserveCapacity(values.count / 2)
        var index = 0
        while index + 1 < values.count {
            if let bytes = values[index].bytes, let id = UUID(text: bytes), let attempt = values[index + 1].int {
                claimed.append(ClaimedJob(id: id, attempt: attempt, owner: owner))
            }
            index += 2
        }
        return claimed
    }

    /// Waits up to `timeout` for a ready job without polling, parking it for
    /// `owner`'s next `claim`. Needs a connection whose command timeout
    /// exceeds `timeout` (`RedisConfiguration.forBlockingCommands`).
    /// Returns whether a job arrived.
    public func waitForReady(owner: String, timeout: Duration, in session: borrowing RedisSession) throws -> Bool {
        let seconds = String(format: "%.3f", Double(timeout.wholeMilliseconds) / 1000)
        let reply = try session.send("BLMOVE", keys.ready, keys.parked(for: owner), "LEFT", "RIGHT", seconds)
        return !reply.isNull
    }

    /// Extends the leases of running jobs; returns the ids whose lease was
    /// lost (expired and taken over, or the job was requeued by an admin).
    public func extend(_ jobs: [ClaimedJob], lease: Duration, in session: borrowing RedisSession) throws -> [UUID] {
        guard !jobs.isEmpty else { return [] }
        let reply = try session.eval(
            DispatchScripts.extend, keys: [keys.leased, keys.lease],
            arguments: [lease.wholeMilliseconds] + RedisDispatch.pairs(jobs)
        )
        return (reply.array ?? []).compactMap { $0.string.flatMap(UUID.init(uuidString:)) }
    }

    /// Forgets finished jobs (succeeded, dead, or already finished in the
    /// ledger) held under their tokens; returns how many were.
    @discardableResult
    public func finish(_ jobs: [ClaimedJob], in session: borrowing RedisSession) throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        let reply = try session.eval(
            DispatchScripts.finish, keys: [keys.leased, keys.lease, keys.attempts, keys.known],
            arguments: RedisDispatch.pairs(jobs)
        )
        return reply.int ?? 0
    }

    /// Schedules the next attempt `delay` from now; false if the lease was lost.
    @discardableResult
    public func retry(_ job: ClaimedJob, after delay: Duration, in session: borrowing RedisSession) throws -> Bool {
        let reply = try session.eval(
            DispatchScripts.retry, keys: [keys.leased, keys.lease, keys.scheduled],
            arguments: [job.key, job.token, delay.wholeMilliseconds]
        )
        return reply.int == 1
    }

    /// Hands unstarted or interrupted jobs back to the front of the queue
    /// (graceful shutdown); `JobLedger.release` gives their attempts back.
    @discardableResult
    public func release(_ jobs: [ClaimedJob], in session: borrowing RedisSession) throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        let reply = try session.eval(
            DispatchScripts.release, keys: [keys.leased, keys.lease, keys.ready],
            arguments: RedisDispatch.pairs(jobs)
        )
        return reply.int ?? 0
    }

    /// Jobs ready, scheduled and leased, for metrics and the admin view.
    public func depth(in session: borrowing RedisSession) throws -> (ready: Int, scheduled: Int, leased: Int) {
        let replies = try session.pipeline([
            RedisCommand("LLEN", keys.ready), RedisCommand("ZCARD", keys.scheduled), RedisCommand("ZCARD", keys.leased),
        ])
        return (replies[0].int ?? 0, replies[1].int ?? 0, replies[2].int ?? 0)
    }

    private static func pairs(_ jobs: [ClaimedJob]) -> [any RedisArgument] {
        jobs.flatMap { [$0.key, $0.token] as [any RedisArgument] }
    }
}
