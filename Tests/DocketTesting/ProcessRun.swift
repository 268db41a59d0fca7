import Foundation

/// Runs an executable to completion and keeps what it printed. The waiting
/// happens on threads of its own, never on the cooperative pool.
public struct ProcessRun: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    /// Runs `executable` with the test's environment, minus Docket's
    /// settings, plus `environment`.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> ProcessRun {
        var base = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("DOCKET_") && $0.key != "DATABASE_URL" && $0.key != "REDIS_URL"
        }
        base.merge(environment) { $1 }
        let out = try PipeReader()
        let err = try PipeReader()
        let child = try ChildProcess.spawn(
            [executable.path] + arguments, environment: base, stdout: out.writeEnd, stderr: err.writeEnd
        )
        out.startReading()
        err.startReading()
        let status = await child.exitStatus()
        return ProcessRun(
            status: status,
            stdout: String(decoding: await out.contents(), as: UTF8.self),
            stderr: String(decoding: await err.contents(), as: UTF8.self)
        )
    }
}

/// A pipe whose read end is drained on a thread of its own, so a chatty
/// child never blocks on a full pipe.
final class PipeReader: @unchecked Sendable {
    // `data` is written by the reader thread before `done` is signalled, read after.
    let writeEnd: Int32
    private let readEnd: Int32
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw POSIXError(.EMFILE) }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// Closes the parent's write end (the child has its copy) and reads to EOF.
    func startReading() {
        close(writeEnd)
        Thread.detachNewThread {
            let handle = FileHandle(fileDescriptor: self.readEnd, closeOnDealloc: true)
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    func contents() async -> Data {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                self.done.wait()
                continuation.resume(returning: self.data)
            }
        }
    }
}
