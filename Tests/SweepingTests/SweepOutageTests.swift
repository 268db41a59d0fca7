import BlobStore
import DocketCore
import DocketSchema
import DocketStore
import DocketTesting
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import Sweeping
import Testing

/// A sweep whose PostgreSQL (a private cluster) goes away: the run fails,
/// is counted, the sweeper goes on, and the next period does the work.
@Suite struct SweepOutageTests {
    @Test func aPostgresOutageFailsOneRunAndTheNextPeriodFinishes() async throws {
        let server = try PrivatePostgresServer()
        try await server.start()
        let postgres = PostgresPool(configuration: PostgresConfiguration(server.connectionString))
        try await PostgresMigrator.migrate(try DocketSchema.migrations(), on: PostgresConnection(configuration: postgres.configuration))
        let redisServer = try PrivateRedisServer()
        try await redisServer.start()
        let redis = RedisPool(configuration: redisServer.configuration)
        let root = NSTemporaryDirectory() + "docket-sweep-outage-" + UUID().uuidString.lowercased()
        let blobs = try LocalBlobStore(root: root)
        let userID = try await postgres.transaction {
            try APIKeys.create(userName: "u", role: .client, quotaBytes: 1 << 30, defaultQuotaBytes: 0, in: $0)
        }.record.userID
        for _ in 0..<3 {
            let documentID = UUIDv7.make()
            _ = try await postgres.transaction {
                try Uploads.create(
                    UploadRequest(filename: "a.pdf", contentType: "application/pdf", sizeBytes: 10),
                    userID: userID, documentID: documentID, blobKey: BlobKey.original(user: userID, document: documentID).path,
                    maxBytes: 1 << 30, ttl: .seconds(3600), in: $0
                )
            }
        }
        try await postgres.query("UPDATE uploads SET expires_at = now() - interval '1 minute'")
        let timing = try DocketConfiguration(environment: [:]).timing
        let sweep = Sweeps(postgres: postgres, redis: redis, blobs: blobs, timing: timing, logger: Logger(label: "test")).pendingUploads
        let scheduler = SweepScheduler(sweeps: [sweep], redis: redis, logger: Logger(label: "test"), owner: "a")

        try await server.stop()
        #expect(await scheduler.tick(sweep) == ["error": 1])
        try await server.start()
        _ = try await redis.send("PEXPIRE", "docket:sweep:pending_uploads", "1")  // the next period
        try await Task.sleep(for: .milliseconds(20))
        #expect(await scheduler.tick(sweep) == ["expired": 3, "error": 0])
        let reserved = try await postgres.query("SELECT reserved_bytes FROM users WHERE id = $1", userID).scalar(Int.self)
        #expect(reserved == 0)
        let totals = try await redis.withSession { try SweepStats.read(in: $0) }
        #expect(totals["pending_uploads"] == ["error": 1, "expired": 3])

        await postgres.shutdown()
        await server.destroy()
        await redisServer.stop()
        try? FileManager.default.removeItem(atPath: root)
    }
}
