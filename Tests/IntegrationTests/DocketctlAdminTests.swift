import DocketStore
import DocketTesting
import Foundation
import PostgresClient
import Testing

/// `docketctl queues` and `docketctl workers` against a live docket-api,
/// as an operator with scripts/run's run.env would run them.
@Suite(.serialized) struct DocketctlAdminTests {
    @Test func queuesAndWorkersComeFromTheAdminAPI() async throws {
        try await DocketProcessStack.with { stack in
            let admin = try await stack.postgres.transaction {
                try APIKeys.create(userName: "ops", role: .admin, quotaBytes: nil, defaultQuotaBytes: 0, in: $0)
            }.secret.text
            let worker = try stack.worker("quota-worker")
            let apiURL = "http://127.0.0.1:\(stack.environment["DOCKET_API_PORT"] ?? "")"
            func docketctl(_ arguments: [String], key: String) async throws -> ProcessRun {
                try await ProcessRun.run(
                    try BuiltProducts.executable("docketctl"), arguments,
                    environment: ["DOCKET_API_URL": apiURL, "DOCKET_ADMIN_KEY": key]
                )
            }
            // The worker shows once its first heartbeat is in.
            try await WorkerCrashTests.waitUntil(30) {
                try await docketctl(["workers"], key: admin).stdout.contains("quota.release")
            }
            let workers = try await docketctl(["workers", "--json"], key: admin)
            #expect(workers.status == 0, "\(workers.stderr)")
            let listed = try #require(try JSONSerialization.jsonObject(with: Data(workers.stdout.utf8)) as? [[String: Any]])
            #expect(listed.contains { ($0["pid"] as? Int) == Int(worker.pid) && ($0["kinds"] as? [String]) == ["quota.settle", "quota.release"] })

            let queues = try await docketctl(["queues"], key: admin)
            #expect(queues.status == 0, "\(queues.stderr)")
            #expect(queues.stdout.hasPrefix("KIND"), "\(queues.stdout)")
            #expect(queues.stdout.contains("pdf.info"), "\(queues.stdout)")

            // A client key, and no API: one clear line each, status 1.
            let refused = try await docketctl(["queues"], key: stack.key)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("403"), "\(refused.stderr)")
            let unreachable = try await ProcessRun.run(
                try BuiltProducts.executable("docketctl"), ["queues", "--api-url", "http://127.0.0.1:1", "--api-key", admin]
            )
            #expect(unreachable.status == 1)
            #expect(unreachable.stderr.contains("cannot reach docket-api"), "\(unreachable.stderr)")
        }
    }
}
