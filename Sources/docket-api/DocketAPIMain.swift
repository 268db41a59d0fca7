import BlobStore
import DocketAPI
import DocketCore
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import ServiceLifecycle

/// `docket-api`: the HTTP API, and beside it the listener that keeps its
/// caches honest, the outbox relay (rung right after each commit that
/// writes jobs), the reconciler and the job-figure flusher. Settings from the environment (CONTRACT.md §1); SIGTERM or
/// SIGINT stops accepting, lets requests in flight finish, and exits 0.
@main
struct DocketAPIMain {
    static func main() async throws {
        MemoryAllocatorTuning.apply()
        let settings = DocketConfiguration.loadOrExit(requiring: [.database, .redis])
        var logger = Logger(label: "docket.api")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        let keyring: TokenKeyring
        let blobs: LocalBlobStore
        let redisConfiguration: RedisConfiguration
        do {
            keyring = try TokenKeyring(configuration: settings)
            blobs = try LocalBlobStore(root: settings.blobDirectory)
            redisConfiguration = try RedisConfiguration(url: settings.redisURL!)
            try APIServer.checkResources()
        } catch let error as DocketError {
            FileHandle.standardError.write(Data("docket-api: \(error.logDetail ?? error.detail)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("docket-api: \(error)\n".utf8))
            exit(2)
        }
        let postgres = PostgresPool(configuration: PostgresConfiguration(settings.databaseURL!), logger: logger)
        let redis = RedisPool(configuration: redisConfiguration, logger: logger)
        let tally = JobTally()
        let bell = RelayBell()
        let services = APIServices(
            postgres: postgres, redis: redis, blobs: blobs, keyring: keyring,
            settings: APISettings(configuration: settings), relayBell: bell
        )
        let host = settings.apiHost
        let announcer = logger
        let application = APIServer.application(services, host: host, port: settings.apiPort, logger: logger) { port in
            announcer.notice("docket-api listening", metadata: ["http.url": "http://\(host):\(port)"])
        }
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: application),
                .init(service: services.caches.invalidation(postgres: postgres, logger: logger)),
                .init(service: OutboxRelay(postgres: postgres, redis: redis, tally: tally, bell: bell, logger: logger)),
                .init(service: Reconciler(postgres: postgres, redis: redis, logger: logger)),
                .init(service: JobTallyFlusher(tally: tally, redis: redis, logger: logger)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        await postgres.shutdown()
    }
}
