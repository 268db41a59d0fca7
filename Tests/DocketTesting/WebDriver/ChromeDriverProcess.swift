import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A private chromedriver server for one test (or suite), on a free loopback port.
///
/// Why own the process instead of expecting a running driver: every test process gets an isolated
/// driver, parallel CI jobs never collide on port 9515, and teardown can guarantee that no
/// Chromium outlives the test. That guarantee needs care because chromedriver does *not* take its
/// browsers down on SIGTERM — they are orphaned and keep running. So `terminate()` first asks
/// chromedriver to shut down (it then quits every browser it started) and only then signals the
/// whole process group, which Chromium inherits from chromedriver.
public final class ChromeDriverProcess: Sendable {
    /// Where WebDriver commands go, e.g. `http://127.0.0.1:41234`.
    public let baseURL: URL
    public let port: Int
    let transport: WebDriverTransport
    private let child: ProcessGroupLeader
    private let terminated = Mutex(false)

    /// The chromedriver pid, which is also the id of its process group.
    public var processIdentifier: Int32 { child.pid }

    /// Launches chromedriver and returns once `GET /status` reports `ready`.
    /// - Parameters:
    ///   - logPath: chromedriver's `--log-path`; `nil` discards the log. Pass a file when
    ///     debugging: it records every command and Chromium's startup errors.
    ///   - startupTimeout: how long to wait for readiness before failing with `.driverStartup`.
    public static func start(
        executable: String = "/usr/bin/chromedriver", logPath: String? = nil,
        startupTimeout: Duration = .seconds(20)
    ) async throws -> ChromeDriverProcess {
        // The port comes from binding port 0 and releasing it, so another process may grab it
        // before chromedriver binds; chromedriver then exits at once, and we simply retry.
        for _ in 1...3 {
            let driver = try ChromeDriverProcess(
                executable: executable, port: try FreePort.make(), logPath: logPath ?? "/dev/null")
            switch await driver.waitUntilReady(timeout: startupTimeout) {
            case .ready: return driver
            case .exited: await driver.terminate()
            case .timedOut:
                await driver.terminate()
                throw WebDriverError.driverStartup(
                    "chromedriver on port \(driver.port) not ready within \(startupTimeout)")
            }
        }
        throw WebDriverError.driverStartup("\(executable) exited during startup three times; see its --log-path")
    }

    private init(executable: String, port: Int, logPath: String) throws {
        child = try ProcessGroupLeader(executable: executable, arguments: ["--port=\(port)", "--log-path=\(logPath)"])
        self.port = port
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        transport = WebDriverTransport(port: port)
    }

    private enum Readiness { case ready, exited, timedOut }

    private func waitUntilReady(timeout: Duration) async -> Readiness {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !child.isRunning { return .exited }
            if let status = try? await transport.send("GET", "/status", timeout: 2),
                status["ready"]?.boolValue == true
            {
                return .ready
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return .timedOut
    }

    public var isRunning: Bool { child.isRunning }

    /// Stops chromedriver and every browser it launched. Idempotent.
    ///
    /// `GET /shutdown` (chromedriver quits its browsers cleanly) → SIGTERM to the process group
    /// → SIGKILL to the group, each step only if the previous one did not suffice.
    public func terminate() async {
        guard terminated.withLock({ done in defer { done = true }; return !done }) else { return }
        if child.isRunning {
            _ = try? await transport.send("GET", "/shutdown", timeout: 5)
            if await !poll(seconds: 5, until: { !self.child.isRunning }) {
                child.signalGroup(SIGTERM)
                if await !poll(seconds: 3, until: { !self.child.isRunning }) { child.signalGroup(SIGKILL) }
            }
        }
        // Sweep stragglers, e.g. a browser chromedriver failed to close. Chromium's crashpad
        // handlers live in their own sessions but exit by themselves once the browser is gone.
        if child.groupHasLivingMembers {
            child.signalGroup(SIGTERM)
            if await !poll(seconds: 3, until: { !self.child.groupHasLivingMembers }) { child.signalGroup(SIGKILL) }
        }
        _ = await poll(seconds: 2, until: { !self.child.isRunning })
    }

    /// Safety net for a test that threw before `terminate()`: nothing can be awaited here, so
    /// kill the whole group outright rather than leak a browser into the next test run.
    deinit {
        guard !terminated.withLock({ $0 }) else { return }
        child.signalGroup(SIGKILL)
        child.reapAfterKill()
    }

    private func poll(seconds: Int, until condition: @Sendable () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
