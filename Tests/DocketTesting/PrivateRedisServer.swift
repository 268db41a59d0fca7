import Foundation
import RedisClient
import Synchronization

/// A redis-server of one test's own, for tests that stop or restart it.
/// Started on a free loopback port in a temporary directory, with the
/// settings Docket requires (AOF, noeviction).
public final class PrivateRedisServer: Sendable {
    public let port: Int
    public let directory: URL
    private let child = Mutex<ChildProcess?>(nil)

    public init() throws {
        port = try FreePort.make()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-redis-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public var configuration: RedisConfiguration { RedisConfiguration(host: "127.0.0.1", port: port) }

    /// Starts the server and waits until it answers PING.
    public func start() async throws {
        let process = try ChildProcess.spawn([
            "redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path,
            "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction",
            "--save", "", "--daemonize", "no", "--loglevel", "warning",
        ])
        child.withLock { $0 = process }
        let probe = RedisConnection(configuration: configuration)
        let deadline = ContinuousClock.now + .seconds(30)  // a loaded CI machine can take seconds
        while true {
            do {
                _ = try await probe.send("PING")
                return
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Stops the server with `signal` (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits for it.
    public func stop(signal: Int32 = SIGTERM) async {
        guard let process = child.withLock({ current -> ChildProcess? in
            defer { current = nil }
            return current
        }) else { return }
        process.send(signal)
        _ = await process.exitStatus()
    }

    deinit {
        if let process = child.withLock({ $0 }) {
            process.send(SIGKILL)
            _ = process.waitBlocking()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
