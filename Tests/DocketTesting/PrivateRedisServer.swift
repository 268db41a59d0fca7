import Foundation
import RedisClient

/// A redis-server of one test's own, for tests that stop or restart it.
/// Started on a free loopback port in a temporary directory, with the
/// settings Docket requires (AOF, noeviction).
public final class PrivateRedisServer: @unchecked Sendable {
    // Used from one test at a time; `process` is replaced only by start/stop.
    public let port: Int
    public let directory: URL
    private var process: Process?

    public init() throws {
        port = try FreePort.make()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-redis-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public var configuration: RedisConfiguration { RedisConfiguration(host: "127.0.0.1", port: port) }

    /// Starts the server and waits until it answers PING.
    public func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path,
            "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction",
            "--save", "", "--daemonize", "no", "--loglevel", "warning",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let probe = RedisConnection(configuration: configuration)
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                _ = try await probe.send("PING")
                return
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Stops the server (SIGTERM) and waits for it to exit.
    public func stop() {
        guard let process else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
