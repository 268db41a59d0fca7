import DocketCore
import DocketSchema
import DocketStore
import DocketTesting
import Foundation
import PostgresClient
import Synchronization

/// docket-api and workers as real processes, over a migrated
/// database of their own and a redis-server of their own (other suites'
/// pdf.info jobs must not reach these workers), with one client key.
final class DocketProcessStack: Sendable {
    let database: TestDatabase
    let redisServer: PrivateRedisServer
    let postgres: PostgresPool
    let dataDirectory: String
    let environment: [String: String]
    let api: ChildProcess
    let client: HTTPTestClient
    let key: String
    /// Every worker started, stopped at teardown whatever the test did.
    let workers = Mutex<[ChildProcess]>([])

    /// Runs `body` against a fresh stack and tears it all down afterwards,
    /// also when `body` throws: no process outlives its test.
    static func with(
        pdfTimeout: String = "30s", lease: String = "3s", _ body: (DocketProcessStack) async throws -> Void
    ) async throws {
        let stack = try await start(pdfTimeout: pdfTimeout, lease: lease)
        do {
            try await body(stack)
        } catch {
            try await stack.tearDown()
            throw error
        }
        try await stack.tearDown()
    }

    private static func start(pdfTimeout: String = "30s", lease: String = "3s") async throws -> DocketProcessStack {
        let database = try await TestDatabase.createMigrated()
        let redisServer = try PrivateRedisServer()
        try await redisServer.start()
        let postgres = PostgresPool(configuration: database.configuration)
        let key = try await postgres.transaction { session in
            try APIKeys.create(userName: "pdf-user", role: .client, quotaBytes: nil, defaultQuotaBytes: 1 << 30, in: session)
        }.secret.text
        let port = try FreePort.make()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("docket-pdf-stack-\(UUID())").path
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.connectionString
        environment["REDIS_URL"] = "redis://127.0.0.1:\(redisServer.port)/0"
        environment["DOCKET_API_PORT"] = String(port)
        environment["DOCKET_DATA_DIR"] = data
        environment["DOCKET_PDF_TIMEOUT"] = pdfTimeout
        environment["DOCKET_LEASE"] = lease
        let api = try ChildProcess.spawn([try BuiltProducts.executable("docket-api").path], environment: environment)
        let client = HTTPTestClient(port: port)
        let deadline = ContinuousClock.now + .seconds(30)
        while (try? await client.send("GET", "/health/ready"))?.status != 200 {
            guard ContinuousClock.now < deadline else { throw HTTPTestError("docket-api did not become ready") }
            try await Task.sleep(for: .milliseconds(100))
        }
        return DocketProcessStack(
            database: database, redisServer: redisServer, postgres: postgres, dataDirectory: data,
            environment: environment, api: api, client: client, key: key
        )
    }

    private init(
        database: TestDatabase, redisServer: PrivateRedisServer, postgres: PostgresPool, dataDirectory: String,
        environment: [String: String], api: ChildProcess, client: HTTPTestClient, key: String
    ) {
        self.database = database
        self.redisServer = redisServer
        self.postgres = postgres
        self.dataDirectory = dataDirectory
        self.environment = environment
        self.api = api
        self.client = client
        self.key = key
    }

    /// Starts a worker executable (`pdf-info-worker`, `quota-worker` …), its log in the data
    /// directory (`<name>-<n>.log`) for a failing test to be read by hand.
    func worker(_ name: String, _ arguments: [String] = [], settings: [String: String] = [:]) throws -> ChildProcess {
        let log = open("\(dataDirectory)/\(name)-\(UUID().uuidString.prefix(4)).log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        defer { if log >= 0 { close(log) } }
        let process = try ChildProcess.spawn(
            [try BuiltProducts.executable(name).path] + arguments, environment: environment.merging(settings) { $1 },
            stderr: log >= 0 ? log : nil
        )
        workers.withLock { $0.append(process) }
        return process
    }

    /// Uploads and completes `path`; returns the document id.
    func upload(_ path: String) async throws -> String {
        try await client.uploadDocument(key: key, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path)))).document
    }

    func document(_ id: String) async throws -> [String: Any] {
        let answer = try await client.json("GET", "/v1/documents/\(id)", key: key)
        guard answer.status == 200 else { throw HTTPTestError("GET document answered \(answer.status): \(answer.text)") }
        return try answer.json()
    }

    /// The document once its status is one of `statuses`.
    func document(_ id: String, reaching statuses: Set<String>, within seconds: Double = 60) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let shown = try await document(id)
            if let status = shown["status"] as? String, statuses.contains(status) { return shown }
            guard ContinuousClock.now < deadline else { throw HTTPTestError("document \(id) stayed \(shown["status"] ?? "?")") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The state of the document's latest job of `kind`, once it is `state`.
    func job(_ kind: String, of document: String, reaching state: String, within seconds: Double = 60) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let jobs = (try await self.document(document)["jobs"] as? [[String: Any]]) ?? []
            if let job = jobs.last(where: { $0["kind"] as? String == kind }), job["state"] as? String == state { return job }
            guard ContinuousClock.now < deadline else { throw HTTPTestError("\(kind) of \(document) never reached \(state): \(jobs)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func tearDown() async throws {
        let processes = workers.withLock { $0 } + [api]
        for process in processes where kill(process.pid, 0) == 0 { process.send(SIGTERM) }
        for process in processes { _ = await process.exitStatus() }
        await postgres.shutdown()
        await redisServer.stop()
        try await database.drop()
        if ProcessInfo.processInfo.environment["DOCKET_TEST_KEEP"] == nil { try? FileManager.default.removeItem(atPath: dataDirectory) }
    }
}
