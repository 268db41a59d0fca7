import Synchronization

/// The jobs a worker holds right now: heartbeats extend their leases and
/// shutdown hands back whatever is left.
final class RunningJobs: Sendable {
    private let jobs = Mutex<Set<ClaimedJob>>([])

    var all: [ClaimedJob] { jobs.withLock { Array($0) } }
    var count: Int { jobs.withLock { $0.count } }

    func insert(_ job: ClaimedJob) { jobs.withLock { _ = $0.insert(job) } }
    func remove(_ job: ClaimedJob) { jobs.withLock { _ = $0.remove(job) } }
}
