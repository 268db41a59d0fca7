import Foundation
import Synchronization

/// A serial executor backed by one OS thread of its own.
///
/// A C client (hiredis, libpq) blocks its calling thread on every round trip.
/// Swift's cooperative pool has one thread per core (two here), so a blocking
/// call there stalls half the program. An actor whose `unownedExecutor` is one
/// of these runs every method on its own thread instead: one hop in, one hop
/// out, whatever the method does in between.
public final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    // `condition` protects `pending` and `stopping`.
    private let condition = NSCondition()
    private var pending: [UnownedJob] = []
    private var stopping = false
    // Written once by the thread before it runs any job.
    private var threadID: pthread_t?
    /// How many jobs wait; read without the lock while spinning.
    private let waiting = Atomic<Int>(0)
    private let spin: Duration

    /// Starts the thread; `name` shows in debuggers and `top -H`.
    ///
    /// With a non-zero `spin`, the thread spins that long after each burst
    /// of work before it sleeps: a caller awaiting one reply usually sends
    /// its next command within microseconds, and catching it awake saves a
    /// futex wake-up. Off by default: on two cores, many spinning
    /// connection threads starve the cooperative pool under load.
    public init(name: String, spin: Duration = .zero) {
        self.spin = spin
        // The thread holds the executor until `shutdown()` lets the loop end.
        let thread = Thread { self.runLoop() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        pending.append(job)
        waiting.add(1, ordering: .releasing)
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func isSameExclusiveExecutionContext(other: DedicatedThreadExecutor) -> Bool {
        self === other
    }

    /// Lets the thread run what is already queued, then end. The executor must
    /// not be used afterwards.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// True on the executor's own thread: for assertions that blocking
    /// work is where it belongs.
    public var isCurrentThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        return threadID.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    private func runLoop() {
        condition.lock()
        threadID = pthread_self()
        condition.unlock()
        var batch: [UnownedJob] = []
        while true {
            spinUntilWork()
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty && stopping {
                condition.unlock()
                break
            }
            swap(&batch, &pending)
            waiting.subtract(batch.count, ordering: .relaxed)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }

    private func spinUntilWork() {
        guard spin > .zero, waiting.load(ordering: .acquiring) == 0 else { return }
        let clock = ContinuousClock()
        let deadline = clock.now + spin
        while waiting.load(ordering: .acquiring) == 0 && clock.now < deadline {}
    }
}
