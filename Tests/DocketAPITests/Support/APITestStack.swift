import BlobStore
@testable import DocketAPI
import DocketStore
import DocketTesting
import JobQueue
import Foundation
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle

/// docket-api's HTTP server, live on a free loopback port, over a database
/// of its own on the test Postgres, the test Redis, and a blob folder of
/// its own. Requests go through `HTTPTestClient`, as any client's would.
struct APITestStack {
    /// The stack's own database on the shared test server; nil when the
    /// test brought a private server.
    let database: TestDatabase?
    let postgres: PostgresPool
    let redis: RedisPool
    let blobs: LocalBlobStore
    let keyring: TokenKeyring
    let caches: APICaches
    let client: HTTPTestClient
    let group: ServiceGroup
    let running: Task<Void, any Error>

    static let quiet = Logger(label: "docket.api.test") { _ in SwiftLogNoOpLogHandler() }

    /// Starts the server. `postgresURL` (an already migrated database) and
    /// `redis` replace the shared test servers; `relay` runs the outbox
    /// relay beside the server, rung after each commit, as docket-api does.
    static func start(
        settings: APISettings = APISettings(
            maxUploadBytes: 10 << 20, uploadTTL: .seconds(3600), downloadURLTTL: .seconds(300), bodyTimeout: .seconds(60)
        ),
        postgresURL: String? = nil, redis redisConfiguration: RedisConfiguration? = nil, relay: Bool = false
    ) async throws -> APITestStack {
        let database = postgresURL == nil ? try await TestDatabase.createMigrated() : nil
        var postgresConfiguration = PostgresConfiguration(postgresURL ?? database!.connectionString)
        // Generous: 50 requests at once on a loaded CI machine must queue
        // for a connection, not fail with 503.
        postgresConfiguration.checkoutTimeout = .seconds(60)
        let postgres = PostgresPool(configuration: postgresConfiguration)
        let redis = RedisPool(configuration: try redisConfiguration ?? TestEnvironment.redisConfiguration())
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("docket-blobs-\(UUID())").path
        let blobs = try LocalBlobStore(root: root)
        let keyring = TokenKeyring(signingSecret: "test-signing-key-\(UUID())")
        let bell = RelayBell()
        let services = APIServices(
            postgres: postgres, redis: redis, blobs: blobs, keyring: keyring, settings: settings, relayBell: relay ? bell : nil
        )
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let application = APIServer.application(services, host: "127.0.0.1", port: 0, logger: quiet) { port in
            portSink.yield(port)
        }
        var members: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: application),
            .init(service: services.caches.invalidation(postgres: postgres, logger: quiet)),
        ]
        if relay {
            var relayConfiguration = OutboxRelay.Configuration()
            relayConfiguration.pollInterval = .milliseconds(200)
            members.append(.init(service: OutboxRelay(
                postgres: postgres, redis: redis, configuration: relayConfiguration, bell: bell, logger: quiet
            )))
        }
        let group = ServiceGroup(configuration: .init(services: members, logger: quiet))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HTTPTestError("the server did not start") }
        return APITestStack(
            database: database, postgres: postgres, redis: redis, blobs: blobs, keyring: keyring, caches: services.caches,
            client: HTTPTestClient(port: port), group: group, running: running
        )
    }

    /// A new user with one key; returns the key and the user's id.
    func key(_ name: String = "user-\(UUID())", role: APIKeyRole = .client, quota: Int = 1 << 30) async throws -> (key: String, userID: UUID) {
        let created = try await postgres.transaction {
            try APIKeys.create(userName: name, role: role, quotaBytes: quota, defaultQuotaBytes: 0, in: $0)
        }
        return (created.secret.text, created.record.userID)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        await postgres.shutdown()
        try await database?.drop()
        try? FileManager.default.removeItem(atPath: blobs.root)
    }
}
