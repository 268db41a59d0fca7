import Foundation

/// A child process started with posix_spawn and reaped with waitpid.
///
/// Foundation's `Process.waitUntilExit` spins a run loop on Linux (a whole
/// core, here a cooperative-pool thread); this waits in the kernel, on a
/// thread of its own, and lets tests send any signal (SIGKILL included).
public struct ChildProcess: Sendable {
    public let pid: pid_t

    /// Starts `arguments[0]` (looked up in PATH) with `environment`; output
    /// goes to the given descriptors, or to /dev/null. With `ownProcessGroup`
    /// it leads a new process group, so it and its children can be signalled together.
    public static func spawn(
        _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        stdout: Int32? = nil, stderr: Int32? = nil, ownProcessGroup: Bool = false
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout { posix_spawn_file_actions_adddup2(&actions, stdout, 1) } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let stderr { posix_spawn_file_actions_adddup2(&actions, stderr, 2) } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // Nothing else of the test process's: not the read ends of its
        // pipes (a worker holding a docketctl run's pipe would keep that
        // run from seeing EOF), not its sockets to Postgres and Redis.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        // The spawning thread may be a dispatch worker with signals blocked;
        // the child must start with none blocked and default handlers, or a
        // SIGTERM sent to it would never arrive.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)  // 0: a new group whose id is the child's pid
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: status) ?? .ENOENT, userInfo: [NSFilePathErrorKey: arguments[0]])
        }
        return ChildProcess(pid: pid)
    }

    /// Sends `signal` (SIGTERM, SIGKILL …).
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the child to end: its exit status, or 128 + the signal that killed it.
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: waitBlocking()) }
        }
    }

    /// Blocks the calling thread until the child ends; never call it on the cooperative pool.
    public func waitBlocking() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

/// glibc ≥ 2.34 (Debian 12 has 2.36) declares it only under _GNU_SOURCE,
/// which Swift's Glibc module is not built with.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func posix_spawn_file_actions_addclosefrom_np(
    _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32
) -> Int32
