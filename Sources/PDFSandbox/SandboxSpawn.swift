import Foundation

/// Starts a child with pipes on its stdin and stdout, stderr shared with
/// the parent (its warnings land in the worker's log), and an empty
/// environment: a parser of hostile files gets no database URL.
enum SandboxSpawn {
    struct Child {
        let pid: pid_t
        /// Parent writes requests here (the child's stdin).
        let requests: Int32
        /// Parent reads replies here (the child's stdout).
        let replies: Int32
    }

    static func start(_ executable: String, arguments: [String]) throws -> Child {
        var toChild: [Int32] = [-1, -1], fromChild: [Int32] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw SandboxSpawnError(executable, errno) }
        guard pipe(&fromChild) == 0 else {
            let code = errno
            close(toChild[0]); close(toChild[1])
            throw SandboxSpawnError(executable, code)
        }
        // Close-on-exec, so other children spawned meanwhile do not hold these
        // ends (each child also closes all it inherited beyond stdio).
        for descriptor in toChild + fromChild { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 onto 0 and 1 clears close-on-exec there; the originals close at exec.
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The worker ignores SIGPIPE; the child gets the default back.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let environment: [UnsafeMutablePointer<CChar>?] = [nil]
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environment)
        close(toChild[0])
        close(fromChild[1])
        guard status == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw SandboxSpawnError(executable, status)
        }
        return Child(pid: pid, requests: toChild[1], replies: fromChild[0])
    }
}

/// The sandbox executable could not be started: a deployment problem, retried.
struct SandboxSpawnError: Error, CustomStringConvertible {
    let executable: String
    let code: Int32

    init(_ executable: String, _ code: Int32) {
        self.executable = executable
        self.code = code
    }

    var description: String { "cannot start the PDF sandbox \(executable): \(String(cString: strerror(code)))" }
}
