import BlockingIO
import DocketCore
import Foundation
import PDFProcessing
import Synchronization

/// One PDF child, seen from the parent: spawned with pipes, asked one
/// request at a time on a thread of its own (every call blocks on the
/// pipe), killed when a reply is later than the wall clock allows. A child
/// that died, was killed or served its share of requests is broken, and
/// the pool starts a fresh one.
actor SandboxProcess: PooledConnection {
    private let executor: DedicatedThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let limits: SandboxLimits
    private var pid: pid_t = 0
    private var channel = FrameChannel(input: -1, output: -1)
    private var served = 0
    private var exited = true
    private let broken = Atomic<Bool>(false)

    nonisolated var isBroken: Bool { broken.load(ordering: .acquiring) }

    /// Spawns the child from this process's own thread: the kernel kills a
    /// child when the thread that spawned it ends (`PR_SET_PDEATHSIG`), and
    /// this thread lives exactly as long as the child is wanted.
    static func start(executable: String, limits: SandboxLimits) async throws -> SandboxProcess {
        let process = SandboxProcess(limits: limits)
        do {
            try await process.spawn(executable)
        } catch {
            await process.close()
            throw error
        }
        return process
    }

    private init(limits: SandboxLimits) {
        self.limits = limits
        executor = DedicatedThreadExecutor(name: "pdf sandbox")
    }

    private func spawn(_ executable: String) throws {
        let child = try SandboxSpawn.start(executable, arguments: limits.arguments + ["--parent", String(getpid())])
        pid = child.pid
        channel = FrameChannel(input: child.replies, output: child.requests)
        exited = false
    }

    deinit { executor.shutdown() }

    func info(path: String) throws -> PDFInfo {
        try begin(.info(path: path))
        switch try reply() {
        case .info(let info): return info
        case let other: throw protocolFailure(other)
        }
    }

    func pageCount(path: String) throws -> Int {
        try begin(.pageCount(path: path))
        switch try reply() {
        case .pageCount(let count): return count
        case let other: throw protocolFailure(other)
        }
    }

    /// Renders `pages` (1-based), calling `each` on this child's thread as
    /// each page arrives, so the caller can store it without another hop.
    func render(
        path: String, pages: [Int], box: (width: Int, height: Int), quality: Int,
        each: @Sendable (Int, RenderedImage) throws -> Void
    ) throws {
        try begin(.render(path: path, pages: pages, width: box.width, height: box.height, quality: quality))
        while true {
            switch try reply() {
            case .page(let number, let width, let height, let byteCount):
                let jpeg = try guarded { try channel.read(byteCount, until: .now + limits.wallClock) }
                try each(number, RenderedImage(width: width, height: height, jpeg: jpeg))
            case .done: return
            case let other: throw protocolFailure(other)
            }
        }
    }

    func selfCheck() throws -> SandboxSelfCheck {
        try begin(.selfCheck)
        switch try reply() {
        case .selfCheck(let check): return check
        case let other: throw protocolFailure(other)
        }
    }

    func close() async {
        stop()
        executor.shutdown()
    }

    private func begin(_ request: SandboxRequest) throws {
        guard !exited else { throw PDFError(.internal, "the PDF process has already stopped") }
        served += 1
        if served >= limits.requestsPerChild { broken.store(true, ordering: .releasing) }
        try guarded { try channel.send(request) }
    }

    /// The next reply within the wall clock; a `.failed` reply is thrown.
    private func reply() throws -> SandboxReply {
        let answer = try guarded { try channel.receive(SandboxReply.self, until: .now + limits.wallClock) }
        if case .failed(let code, let message) = answer { throw PDFError(code, message) }
        return answer
    }

    /// Runs a pipe operation; if the child is gone, late or talking nonsense,
    /// kills it and throws the failure its end means for the job.
    private func guarded<R>(_ operation: () throws -> R) throws -> R {
        do {
            return try operation()
        } catch let failure as FrameChannel.Failure {
            let status = stop()
            switch failure {
            case .timedOut:
                throw PDFError(.pdfTimeout, "the PDF took longer than \(limits.wallClock) to process; its process was killed")
            case .closed, .io:
                throw status?.failure(limits: limits) ?? PDFError(.pdfResourceLimit, "the PDF process went away")
            case .malformed(let detail):
                throw PDFError(.pdfResourceLimit, "the PDF process answered nonsense: \(detail)")
            }
        }
    }

    private func protocolFailure(_ reply: SandboxReply) -> PDFError {
        stop()
        return PDFError(.pdfResourceLimit, "the PDF process answered out of turn: \(reply)")
    }

    /// Kills and reaps the child (it keeps no state worth a goodbye) and
    /// closes the pipes. Returns how it ended, unless it was reaped already.
    @discardableResult
    private func stop() -> ChildStatus? {
        broken.store(true, ordering: .releasing)
        guard !exited else { return nil }
        exited = true
        Glibc.close(channel.output)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        Glibc.close(channel.input)
        return ChildStatus(raw: status)
    }
}
