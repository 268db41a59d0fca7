import DocketTesting
import Foundation

/// A `docket-api` process started by the benchmark (the binary beside
/// docket-bench), and what it costs in memory.
struct APIServerProcess {
    let child: ChildProcess
    let client: HTTPTestClient

    /// Starts docket-api on a free port and waits until it is ready.
    static func start(environment extra: [String: String]) async throws -> APIServerProcess {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("docket-api")
        let port = try FreePort.make()
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        environment["DOCKET_API_PORT"] = String(port)
        let child = try ChildProcess.spawn([binary.path], environment: environment, stderr: 2)
        let client = HTTPTestClient(port: port)
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let ready = try? await client.send("GET", "/health/ready"), ready.status == 200 { break }
            guard ContinuousClock.now < deadline else {
                child.send(SIGKILL)
                throw BenchFailure("docket-api did not become ready on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return APIServerProcess(child: child, client: client)
    }

    /// Resident memory now, in bytes (`VmRSS`).
    func residentBytes() throws -> Int { try status("VmRSS") }

    /// The resident peak since `resetPeak` (`VmHWM`), in bytes.
    func peakResidentBytes() throws -> Int { try status("VmHWM") }

    /// Starts a new peak from the current resident size (Linux `clear_refs` 5).
    func resetPeak() throws {
        try "5".write(toFile: "/proc/\(child.pid)/clear_refs", atomically: false, encoding: .utf8)
    }

    func stop() async {
        child.send(SIGTERM)
        _ = await child.exitStatus()
    }

    private func status(_ field: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw BenchFailure("no \(field) for pid \(child.pid)") }
        return kilobytes * 1024
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
