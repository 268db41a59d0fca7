import Foundation
import PostgresClient

/// A PostgreSQL cluster of one test's own, for tests that stop and start it.
/// As root, Debian's binaries run as the `postgres` user (initdb refuses root).
public final class PrivatePostgresServer: Sendable {
    public let port: Int
    public let directory: URL
    static let binaries = "/usr/lib/postgresql/15/bin"

    public init() throws {
        port = try FreePort.make()
        directory = URL(fileURLWithPath: "/tmp/docket-pg-\(UUID().uuidString.prefix(8))")
    }

    /// Superuser `docket`, trust auth on loopback, database `postgres`.
    public var connectionString: String { "postgres://docket@127.0.0.1:\(port)/postgres" }

    /// Creates the cluster (first call) and starts it, waiting until it accepts connections.
    public func start() async throws {
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("PG_VERSION").path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try await run(["chmod", "700", directory.path])
            if getuid() == 0 { try await run(["chown", "postgres:postgres", directory.path]) }
            try await runAsPostgres(["\(Self.binaries)/initdb", "-D", directory.path, "-U", "docket", "--auth=trust",
                                     "-E", "UTF8", "--locale=C.UTF-8"])
        }
        try await runAsPostgres([
            "\(Self.binaries)/pg_ctl", "-D", directory.path, "-l", directory.appendingPathComponent("log").path, "-w",
            "-o", "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
        ])
    }

    /// Stops the server fast (open sessions are cut), as an outage would.
    public func stop() async throws {
        try await runAsPostgres(["\(Self.binaries)/pg_ctl", "-D", directory.path, "-m", "immediate", "-w", "stop"])
    }

    /// Stops the server if it runs and removes its files.
    public func destroy() async {
        do {
            try await stop()
        } catch {
            // Already stopped.
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func runAsPostgres(_ arguments: [String]) async throws {
        try await run(getuid() == 0 ? ["runuser", "-u", "postgres", "--"] + arguments : arguments)
    }

    private func run(_ arguments: [String]) async throws {
        let status = await (try ChildProcess.spawn(arguments)).exitStatus()
        guard status == 0 else { throw POSIXError(.EIO, userInfo: [NSLocalizedDescriptionKey: "\(arguments[0]) exited \(status)"]) }
    }
}
