import DocketCore
import DocketTesting
import Foundation
@testable import JobQueue
import PostgresClient
import Testing

/// The admin job routes over HTTP: list, detail, requeue, discard, bulk requeue.
@Suite struct AdminJobTests {
    /// Enqueues jobs of `kind` and makes them dead with `code`, as a worker's last failure would.
    func deadJobs(_ stack: APITestStack, kind: String, code: String, count: Int) async throws -> [UUID] {
        let ids = try await stack.postgres.transaction { session in
            try JobLedger.enqueue((0..<count).map { _ in NewJob(kind: JobKind(kind)) }, in: session).map(\.id)
        }
        try await stack.postgres.query(
            "UPDATE jobs SET state = 'dead', attempt = 3, last_error_code = $2, last_error_message = 'broken', finished_at = now() WHERE id = ANY($1::uuid[])",
            ids, code
        )
        return ids
    }

    @Test func anAdminFindsADeadJobRequeuesItAndTheEventIsKept() async throws {
        let stack = try await APITestStack.start()
        let (admin, _) = try await stack.key("ops-admin", role: .admin)
        let (client, _) = try await stack.key(role: .client)
        let id = try await deadJobs(stack, kind: "pdf.info", code: "pdf_invalid", count: 1)[0].uuidString.lowercased()

        let listed = try await stack.json("GET", "/v1/admin/jobs?state=dead&kind=pdf.info", key: admin)
        #expect(listed.status == 200)
        let items = try #require(try listed.json()["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == [id])
        #expect(items.first?["error_code"] as? String == "pdf_invalid")
        #expect(try await stack.json("GET", "/v1/admin/jobs?state=zombie", key: admin).errorCode == "invalid_input")

        let requeued = try await stack.json("POST", "/v1/admin/jobs/\(id)/requeue", key: admin, ["reason": "fixed the parser"])
        #expect(requeued.status == 200, "\(requeued.text)")
        let body = try requeued.json()
        #expect(body["state"] as? String == "queued")
        #expect(body["attempt"] as? Int == 0)
        let events = try #require(body["events"] as? [[String: Any]])
        #expect(events.first?["action"] as? String == "requeue")
        #expect(events.first?["actor"] as? String == "ops-admin")
        #expect(events.first?["reason"] as? String == "fixed the parser")
        // Requeued once: a second requeue is a conflict; discarding the queued job is allowed, once.
        #expect(try await stack.json("POST", "/v1/admin/jobs/\(id)/requeue", key: admin).status == 409)
        #expect(try await stack.json("POST", "/v1/admin/jobs/\(id)/discard", key: admin).json()["state"] as? String == "discarded")
        #expect(try await stack.json("POST", "/v1/admin/jobs/\(id)/discard", key: admin).errorCode == "conflict")
        #expect(try await stack.json("GET", "/v1/admin/jobs/\(UUID())", key: admin).errorCode == "not_found")

        for (method, path) in [("GET", "/v1/admin/jobs"), ("GET", "/v1/admin/jobs/\(id)"), ("POST", "/v1/admin/jobs/\(id)/requeue"),
                               ("POST", "/v1/admin/jobs/\(id)/discard"), ("POST", "/v1/admin/jobs/requeue")] {
            #expect(try await stack.json(method, path, key: client).errorCode == "forbidden", "\(method) \(path)")
        }
        try await stack.stop()
    }

    @Test func bulkRequeueCountsFirstThenRequeuesExactlyThose() async throws {
        let stack = try await APITestStack.start()
        let (admin, _) = try await stack.key(role: .admin)
        let matching = try await deadJobs(stack, kind: "thumbnail.cover", code: "pdf_timeout", count: 3)
        _ = try await deadJobs(stack, kind: "thumbnail.cover", code: "pdf_invalid", count: 2)
        let body: [String: any Sendable] = ["state": "dead", "kind": "thumbnail.cover", "error_code": "pdf_timeout", "dry_run": true]
        let counted = try await stack.json("POST", "/v1/admin/jobs/requeue", key: admin, body)
        #expect(try counted.json()["requeued"] as? Int == 3)
        #expect(try counted.json()["dry_run"] as? Bool == true)
        let stillDead = try await stack.postgres.query("SELECT count(*) FROM jobs WHERE state = 'dead'").scalar(Int.self)
        #expect(stillDead == 5)

        var real = body
        real["dry_run"] = false
        real["reason"] = "timeouts raised"
        let done = try await stack.json("POST", "/v1/admin/jobs/requeue", key: admin, real)
        #expect(try done.json()["requeued"] as? Int == 3)
        let queued = try await stack.postgres.query(
            "SELECT count(*) FROM jobs WHERE state = 'queued' AND id = ANY($1::uuid[])", matching
        ).scalar(Int.self)
        #expect(queued == 3)
        #expect(try await stack.postgres.query("SELECT count(*) FROM jobs WHERE state = 'dead'").scalar(Int.self) == 2)
        let wrong = try await stack.json("POST", "/v1/admin/jobs/requeue", key: admin, ["state": "queued"])
        #expect(wrong.errorCode == "invalid_input")
        try await stack.stop()
    }
}

/// `GET /v1/admin/workers` from the registry a worker's heartbeat keeps.
@Suite struct AdminWorkerTests {
    @Test func liveWorkersAreListedAndExpiredOnesDropOut() async throws {
        let redisServer = try PrivateRedisServer()
        try await redisServer.start()
        let stack = try await APITestStack.start(redis: redisServer.configuration)
        let (admin, _) = try await stack.key(role: .admin)
        let job = ClaimedJob(id: UUID(), attempt: 1, owner: "host:1:aa")
        try await stack.redis.withSession { session in
            try WorkerRegistry.beat(workerID: "host:1:aa", kinds: ["pdf.info", "thumbnail.cover"], concurrency: 4,
                                    running: [job], ttl: .seconds(60), in: session)
            try WorkerRegistry.beat(workerID: "host:2:bb", kinds: ["noop"], concurrency: 1, running: [],
                                    ttl: .milliseconds(200), in: session)
        }
        try await Task.sleep(for: .milliseconds(400))
        let answer = try await stack.json("GET", "/v1/admin/workers", key: admin)
        #expect(answer.status == 200, "\(answer.text)")
        let items = try #require(try answer.json()["items"] as? [[String: Any]])
        #expect(items.compactMap { $0["id"] as? String } == ["host:1:aa"])
        #expect(items.first?["kinds"] as? [String] == ["pdf.info", "thumbnail.cover"])
        #expect(items.first?["concurrency"] as? Int == 4)
        #expect(items.first?["running_jobs"] as? [String] == [job.id.uuidString.lowercased()])
        #expect(items.first?["last_heartbeat"] is String)
        // The expired worker left the index too.
        let indexed = try await stack.redis.send("SMEMBERS", "docket:workers").array?.compactMap(\.string)
        #expect(indexed == ["host:1:aa"])
        let (client, _) = try await stack.key(role: .client)
        #expect(try await stack.json("GET", "/v1/admin/workers", key: client).errorCode == "forbidden")
        try await stack.stop()
        await redisServer.stop()
    }
}
