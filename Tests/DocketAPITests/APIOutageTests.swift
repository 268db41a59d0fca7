import DocketSchema
import DocketTesting
import Foundation
import PostgresClient
import RedisClient
import Testing

/// What clients see while a backing server is down.
@Suite struct APIOutageTests {
    /// Redis down never fails a request: complete answers 202, and the
    /// outbox delivers the jobs once Redis is back.
    @Test func completeWithRedisStoppedIsAcceptedAndItsJobsArriveLater() async throws {
        let redisServer = try PrivateRedisServer()
        try await redisServer.start()
        var redisConfiguration = redisServer.configuration
        redisConfiguration.reconnectWindow = .milliseconds(200)
        let stack = try await APITestStack.start(redis: redisConfiguration, relay: true)
        let (key, _) = try await stack.key()
        let created = try await stack.createUpload(key: key, size: 2000).json()
        #expect(try await stack.put(created["upload_url"] as! String, APITestStack.pdfBytes(2000)).status == 201)
        await redisServer.stop()

        let completed = try await stack.json("POST", "/v1/uploads/\(created["upload_id"] as! String)/complete", key: key)
        #expect(completed.status == 202, "\(completed.text)")
        let ids = Set(((try completed.json()["jobs"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
        #expect(ids.count == 3)
        let ready = try await stack.json("GET", "/health/ready", key: nil)
        #expect(ready.status == 503)
        #expect(ready.errorCode == "unavailable")

        try await redisServer.start()
        let probe = RedisConnection(configuration: redisServer.configuration)
        let deadline = ContinuousClock.now + .seconds(30)
        var published = Set<String>()
        while published != ids, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            published = []
            for kind in ["pdf.info", "thumbnail.cover", "quota.settle"] {
                let queued = try await probe.send("LRANGE", "docket:{\(kind)}:ready", 0, -1).array?.compactMap(\.string) ?? []
                published.formUnion(queued)
            }
        }
        #expect(published == ids)
        #expect(try await stack.json("GET", "/health/ready", key: nil).status == 200)
        try await stack.stop()
        await redisServer.stop()
    }

    /// Postgres down: 503 `unavailable` with Retry-After, nothing half-written;
    /// back up, the same request works.
    @Test func postgresDownIs503WithRetryAfter() async throws {
        let server = try PrivatePostgresServer()
        try await server.start()
        try await PostgresMigrator.migrate(try DocketSchema.migrations(), on: PostgresConnection(configuration: PostgresConfiguration(server.connectionString)))
        let stack = try await APITestStack.start(postgresURL: server.connectionString)
        let (key, _) = try await stack.key(quota: 10_000)
        try await server.stop()

        let refused = try await stack.createUpload(key: key, size: 100)
        #expect(refused.status == 503)
        #expect(refused.errorCode == "unavailable")
        #expect(refused.headers["retry-after"] == "5")
        #expect(try await stack.json("GET", "/health/ready", key: nil).status == 503)
        #expect(try await stack.json("GET", "/health/live", key: nil).status == 200)

        try await server.start()
        let accepted = try await stack.createUpload(key: key, size: 100)
        #expect(accepted.status == 201, "\(accepted.text)")
        #expect(try await stack.json("GET", "/v1/quota", key: key).json()["reserved_bytes"] as? Int == 100)
        try await stack.stop()
        await server.destroy()
    }
}
