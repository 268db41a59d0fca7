import BlockingIO
import DocketTesting
import Foundation
import Testing

/// The harness the process tests stand on: it must not touch descriptors
/// that are not its own, in this process or in the children it starts.
@Suite struct TestHarnessTests {
    /// A refused connection used to close its socket twice (once by hand,
    /// once in the deinit a throwing init runs); by the second close another
    /// thread could own that number. Here one thread keeps opening
    /// descriptors and checks each stays open while connections are refused.
    @Test func aRefusedConnectionClosesOnlyItsOwnDescriptor() async throws {
        let refusing = try RefusingPort()
        let lost = try await OwnThread.run { () throws -> Int in
            let checker = DescriptorChecker()
            let thread = Thread { checker.run() }
            thread.start()
            defer { checker.stop() }
            for _ in 0..<4_000 {
                #expect(throws: HTTPTestError.self) { _ = try RawHTTPConnection(port: refusing.port) }
            }
            return checker.stop()
        }
        #expect(lost == 0, "\(lost) of the checker's open descriptors were closed under it")
    }

    /// A child starts with stdio only, whatever the test process holds.
    @Test func aChildInheritsOnlyStandardDescriptors() async throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)  // not close-on-exec: what a child must still not get
        defer { ends.forEach { close($0) } }
        let run = try await ProcessRun.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "ls /proc/$$/fd"])
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n") == ["0", "1", "2"])
    }
}

/// A loopback port held bound but never listened on: connections to it
/// are refused, and no server another suite starts meanwhile can take it
/// (a port merely found free could be, and then connections succeed).
private final class RefusingPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        for _ in 0..<20 {
            let port = try FreePort.make()
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { break }
            if LoopbackAddress.with(port: port, { bind(descriptor, $0, $1) }) == 0 {
                (self.port, self.descriptor) = (port, descriptor)
                return
            }
            close(descriptor)  // taken since it was found free: another
        }
        throw POSIXError(.EADDRINUSE)
    }

    deinit { close(descriptor) }
}

/// Opens a descriptor, checks it a few times, closes it, over and over,
/// counting the times it found its own descriptor already closed.
/// `@unchecked Sendable`: `condition` guards the three flags below; the
/// loop's own count is its thread's until it hands it over under the lock.
private final class DescriptorChecker: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    private var lost = 0

    func run() {
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(devNull) }
        var found = 0
        while !condition.withLock({ stopping }) {
            let descriptor = dup(devNull)
            if (0..<50).contains(where: { _ in fcntl(descriptor, F_GETFD) == -1 }) { found += 1 }
            close(descriptor)
        }
        condition.withLock {
            lost = found
            finished = true
            condition.broadcast()
        }
    }

    /// Stops the loop and returns its count once it has ended.
    @discardableResult
    func stop() -> Int {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        while !finished { condition.wait() }
        return lost
    }
}
