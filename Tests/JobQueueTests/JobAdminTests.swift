import DocketCore
import DocketTesting
import Foundation
import JobQueue
import Logging
import PostgresClient
import Testing

@Suite struct JobAdminTests {
    /// Runs a job to death (permanent error), returning its id.
    func deadJob(_ fixture: RuntimeFixture, code: JobErrorCode = .pdfInvalid) async throws -> UUID {
        let id = try await fixture.enqueue(1)[0]
        let claimed = try await fixture.redis.withSession {
            try RedisDispatch(kind: fixture.kind).claim(owner: "w", max: 1, lease: .seconds(30), in: $0)
        }
        let job = RunningJob(claimed[0])
        try await fixture.postgres.transaction { tx in
            _ = try JobLedger.recordFailure(of: job, worker: "w", failure: JobFailure(code, "broken"),
                                            outcome: .dead, nextRunAt: nil, in: tx)
        }
        _ = try await fixture.redis.withSession { try RedisDispatch(kind: fixture.kind).finish(claimed, in: $0) }
        return id
    }

    @Test func aRequeuedDeadJobRunsAgainWithFreshAttemptsAndTheEventIsKept() async throws {
        let fixture = try await RuntimeFixture.make()
        let id = try await deadJob(fixture)
        let result = try await fixture.postgres.transaction {
            try JobAdmin.requeue(id, actor: "alice", reason: "fixed the parser", in: $0)
        }
        #expect(result == .done)
        let again = try await fixture.postgres.transaction { try JobAdmin.requeue(id, actor: "alice", reason: nil, in: $0) }
        #expect(again == .conflict(.queued))
        try await OutboxRelay(postgres: fixture.postgres, redis: fixture.redis, logger: Logger(label: "test")).drain()
        let counter = RunCounter()
        let handler = JobHandler(kind: fixture.kind) { _ in
            counter.increment()
            return .done
        }
        try await fixture.run(fixture.runtime(handler)) { try await fixture.states()["succeeded"] == 1 }
        #expect(counter.value == 1)
        let detail = try #require(try await fixture.postgres.withSession { try JobAdmin.detail(of: id, in: $0) })
        #expect(detail.summary.state == .succeeded)
        #expect(detail.summary.attempt == 1)
        #expect(detail.attempts.map(\.outcome) == ["dead", "succeeded"])
        #expect(detail.events.map(\.action) == ["requeue"])
        #expect(detail.events.first?.actor == "alice")
        #expect(detail.events.first?.reason == "fixed the parser")
        try await fixture.tearDown()
    }

    @Test func bulkRequeueCountsFirstWhenAskedAndFiltersByErrorCode() async throws {
        let fixture = try await RuntimeFixture.make()
        _ = try await deadJob(fixture, code: .pdfInvalid)
        _ = try await deadJob(fixture, code: .pdfInvalid)
        _ = try await deadJob(fixture, code: .pdfTimeout)
        let filter = JobFilter(kind: fixture.kind, errorCode: "pdf_invalid")
        let wouldBe = try await fixture.postgres.transaction {
            try JobAdmin.requeueMatching(filter, actor: "bob", reason: nil, dryRun: true, in: $0)
        }
        #expect(wouldBe == 2)
        #expect(try await fixture.states() == ["dead": 3])
        let requeued = try await fixture.postgres.transaction {
            try JobAdmin.requeueMatching(filter, actor: "bob", reason: "bulk", dryRun: false, in: $0)
        }
        #expect(requeued == 2)
        #expect(try await fixture.states() == ["dead": 1, "queued": 2])
        #expect(try await fixture.postgres.query("SELECT count(*) FROM job_events WHERE actor = 'bob'").scalar(Int.self) == 2)
        try await fixture.tearDown()
    }

    @Test func discardTakesDeadOrQueuedOnly() async throws {
        let fixture = try await RuntimeFixture.make()
        let dead = try await deadJob(fixture)
        let queued = try await fixture.enqueue(1)[0]
        #expect(try await fixture.postgres.transaction { try JobAdmin.discard(dead, actor: "a", reason: nil, in: $0) } == .done)
        #expect(try await fixture.postgres.transaction { try JobAdmin.discard(queued, actor: "a", reason: nil, in: $0) } == .done)
        #expect(try await fixture.postgres.transaction { try JobAdmin.discard(queued, actor: "a", reason: nil, in: $0) }
            == .conflict(.discarded))
        #expect(try await fixture.postgres.transaction { try JobAdmin.discard(UUID(), actor: "a", reason: nil, in: $0) } == .notFound)
        // The discarded job still in Redis is acked without running.
        let counter = RunCounter()
        let handler = JobHandler(kind: fixture.kind) { _ in
            counter.increment()
            return .done
        }
        let known = "docket:{\(fixture.kind.rawValue)}:known"
        try await fixture.run(fixture.runtime(handler)) { try await fixture.redis.send("SCARD", known).int == 0 }
        #expect(counter.value == 0)
        try await fixture.tearDown()
    }

    @Test func listingIsKeysetPagedAndFiltered() async throws {
        let fixture = try await RuntimeFixture.make()
        let ids = try await fixture.enqueue(25)
        var seen: [UUID] = []
        var after: UUID?
        repeat {
            let page = try await fixture.postgres.withSession { [after] in
                try JobAdmin.list(JobFilter(state: .queued, kind: fixture.kind), after: after, limit: 10, in: $0)
            }
            seen += page.items.map(\.id)
            after = page.nextAfter
        } while after != nil
        #expect(seen == ids)
        let none = try await fixture.postgres.withSession { try JobAdmin.list(JobFilter(state: .dead), after: nil, limit: 10, in: $0) }
        #expect(none.items.isEmpty && none.nextAfter == nil)
        try await fixture.tearDown()
    }
}
