import CSandbox
import Foundation
import PDFSandbox

/// What the child does to itself before it touches a PDF: dies with its
/// parent, drops every
/// descriptor it inherited beyond stdio, caps its address space, writes no
/// core files, and loses the ability to open sockets (seccomp). The CPU
/// limit is set per request (`allowCPU`), since a long-lived child
/// accumulates CPU time across requests.
enum Confinement {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static func apply(_ limits: SandboxLimits, parent: pid_t?) throws {
        guard docket_die_with_parent() == 0 else { throw Failed(description: "prctl: \(String(cString: strerror(errno)))") }
        // The parent may have died before the request above took effect.
        if let parent, getppid() != parent { exit(0) }
        guard docket_close_from(3) == 0 else { throw Failed(description: "close_range: \(String(cString: strerror(errno)))") }
        try set(RLIMIT_CORE, 0)
        try set(RLIMIT_AS, rlim_t(limits.memoryBytes))
        guard docket_deny_network() == 0 else { throw Failed(description: "seccomp: \(String(cString: strerror(errno)))") }
        allowCPU(seconds: limits.cpuSeconds)
    }

    /// Lets the next piece of work use `seconds` of CPU from now: past it
    /// the kernel sends SIGXCPU, which ends the child.
    static func allowCPU(seconds: Int) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let used = rlim_t(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        var limit = rlimit()
        getrlimit(resource(RLIMIT_CPU), &limit)
        limit.rlim_cur = min(used + rlim_t(seconds) + 1, limit.rlim_max)
        setrlimit(resource(RLIMIT_CPU), &limit)
    }

    static func selfCheck() -> SandboxSelfCheck {
        var memory = rlimit(), cpu = rlimit()
        getrlimit(resource(RLIMIT_AS), &memory)
        getrlimit(resource(RLIMIT_CPU), &cpu)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let socketErrno = socket < 0 ? errno : 0
        if socket >= 0 { close(socket) }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap(Int.init) ?? []
        // The listing itself holds one descriptor open while it reads.
        let extra = max(0, descriptors.filter { $0 > 2 }.count - 1)
        return SandboxSelfCheck(memoryLimit: UInt64(memory.rlim_cur), cpuLimit: UInt64(cpu.rlim_cur), socketErrno: socketErrno, extraDescriptors: extra)
    }

    private static func set(_ which: __rlimit_resource, _ value: rlim_t) throws {
        var limit = rlimit(rlim_cur: value, rlim_max: value)
        guard setrlimit(resource(which), &limit) == 0 else {
            throw Failed(description: "setrlimit \(which.rawValue): \(String(cString: strerror(errno)))")
        }
    }

    private static func resource(_ which: __rlimit_resource) -> __rlimit_resource_t {
        __rlimit_resource_t(which.rawValue)
    }
}
