import Foundation
import Synchronization

/// A claimed job from the moment its handler starts.
public struct RunningJob: Sendable, Hashable {
    public let claimed: ClaimedJob
    /// The worker's clock when the handler started: the attempt's start in
    /// the ledger.
    public let startedAt: Date

    public init(_ claimed: ClaimedJob, startedAt: Date = Date()) {
        self.claimed = claimed
        self.startedAt = startedAt
    }
}

/// The jobs a worker holds right now: heartbeats extend their leases, show
/// the long ones as `running` in the ledger, and shutdown hands back
/// whatever is left.
final class RunningJobs: Sendable {
    private struct Entry {
        let job: RunningJob
        var shownRunning = false
    }

    private let jobs = Mutex<[ClaimedJob: Entry]>([:])

    var all: [ClaimedJob] { jobs.withLock { Array($0.keys) } }
    var count: Int { jobs.withLock { $0.count } }

    func insert(_ job: RunningJob) { jobs.withLock { $0[job.claimed] = Entry(job: job) } }
    func remove(_ job: ClaimedJob) { jobs.withLock { _ = $0.removeValue(forKey: job) } }

    /// The handler returned and the outcome is on its way to the ledger:
    /// showing the job as `running` now would only add a write (and, under
    /// load, one per job waiting for its group commit).
    func handlerReturned(_ job: ClaimedJob) { jobs.withLock { $0[job]?.shownRunning = true } }

    /// Jobs started before `cutoff` and not yet shown as `running`; they
    /// count as shown from now on.
    func takeUnshown(startedBefore cutoff: Date) -> [RunningJob] {
        jobs.withLock { jobs in
            var taken: [RunningJob] = []
            for (key, entry) in jobs where !entry.shownRunning && entry.job.startedAt < cutoff {
                taken.append(entry.job)
                jobs[key]?.shownRunning = true
            }
            return taken
        }
    }
}
