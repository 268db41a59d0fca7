import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process leading its own process group (chromedriver, and the Chromium it starts).
///
/// Why not Foundation's `Process`: on Linux it passes the spawning thread's signal mask to the
/// child (swift-corelibs-foundation issue #4772). Swift-concurrency and Dispatch worker threads
/// block almost every signal, so a chromedriver started from an async test ignores SIGTERM
/// forever — and so does every Chromium it launches. `posix_spawn` with an empty mask and default
/// dispositions avoids that; its own process group lets us signal chromedriver *and* its browsers.
final class ProcessGroupLeader: Sendable {
    let pid: pid_t
    private let reaped = Mutex(false)

    /// Starts `executable` as the leader of a new process group, through
    /// `ChildProcess.spawn` (no signal blocked, default handlers, stdio on
    /// /dev/null), so that it and everything it launches can be signalled at once.
    init(executable: String, arguments: [String]) throws {
        do {
            pid = try ChildProcess.spawn([executable] + arguments, ownProcessGroup: true).pid
        } catch {
            throw WebDriverError.driverStartup("cannot launch \(executable): \(error)")
        }
    }

    /// Non-blocking; reaps the child once it has exited so it does not linger as a zombie.
    var isRunning: Bool {
        reaped.withLock { reaped in
            guard !reaped else { return false }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result == -1 && errno == ECHILD) { reaped = true }
            return !reaped
        }
    }

    /// Signals every process in the group: the child and anything it started (Chromium).
    func signalGroup(_ signal: Int32) {
        // Never kill(0, …) or kill(-1, …): those would hit our own group or every process.
        guard pid > 1 else { return }
        kill(-pid, signal)
    }

    /// Whether a living process is left in the group. Zombies do not count: Chromium's orphaned
    /// children are reaped by PID 1 on its own schedule (seconds, in some containers), and
    /// waiting for that would only slow every teardown. Without /proc, any member counts.
    var groupHasLivingMembers: Bool {
        guard pid > 1, kill(-pid, 0) == 0 else { return false }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return true }
        return entries.contains { entry in
            guard let member = Int(entry), let stat = ProcessStat(pid: member) else { return false }
            return !stat.isZombie && stat.processGroup == Int(pid)
        }
    }

    /// Blocking reap after a SIGKILL, for `deinit` paths that cannot await.
    func reapAfterKill() {
        reaped.withLock { reaped in
            guard !reaped else { return }
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            reaped = true
        }
    }
}
