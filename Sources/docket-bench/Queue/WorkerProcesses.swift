import Foundation

/// `docket-bench worker` processes for the queue benchmark, started from
/// this very executable and stopped with SIGTERM (graceful, as in production).
struct WorkerProcesses {
    private let processes: [Process]

    init(count: Int, kinds: String, concurrency: Int, claimBatch: Int, environment: [String: String] = [:]) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var processes: [Process] = []
        for _ in 0..<count {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["worker", "--kinds", kinds, "--concurrency", "\(concurrency)", "--claim-batch", "\(claimBatch)"]
            process.environment = ProcessInfo.processInfo.environment
                .merging(["DOCKET_LOG_LEVEL": "warning"]) { $1 }
                .merging(environment) { $1 }
            try process.run()
            processes.append(process)
        }
        self.processes = processes
    }

    /// Whether every process is still running.
    var allRunning: Bool { processes.allSatisfy(\.isRunning) }

    /// SIGTERM to each, then waits for them to exit.
    func stop() {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
    }
}
