import DocketCore
import DocketTesting
import Foundation
import JobQueue
import Logging
import RedisClient
import Testing

@Suite struct JobStatsTests {
    @Test func aFlushedTallyAddsToTheTotalsAndRendersAsPrometheusText() async throws {
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        let kind = JobKind("stats.\(UUID().uuidString.prefix(8))")
        let tally = JobTally()
        tally.enqueued(kind, count: 3)
        tally.finished(kind, .succeeded, after: .milliseconds(3))
        tally.finished(kind, .succeeded, after: .milliseconds(40))
        tally.finished(kind, .dead, after: .seconds(1000))  // beyond the last bound: only in +Inf
        try await redis.withSession { try JobStats.flush(tally, in: $0) }
        // A second process adds to the same totals.
        let other = JobTally()
        other.finished(kind, .retried, after: .milliseconds(7))
        try await redis.withSession { try JobStats.flush(other, in: $0) }
        // Flushing again adds nothing: a tally hands each count over once.
        try await redis.withSession { try JobStats.flush(tally, in: $0) }

        let snapshot = try await redis.withSession { try JobStats.read(in: $0) }
        #expect(snapshot.enqueued[kind] == 3)
        #expect(snapshot.finished(kind, .succeeded) == 2)
        #expect(snapshot.finished(kind, .retried) == 1)
        #expect(snapshot.finished(kind, .dead) == 1)
        let durations = try #require(snapshot.durations[kind])
        #expect(durations.count == 4)
        #expect(abs(durations.sum - 1000.05) < 0.001)
        #expect(durations.cumulativeBuckets.prefix(4) == [1, 2, 2, 3])  // ≤5 ms, ≤10 ms, ≤25 ms, ≤50 ms
        #expect(durations.cumulativeBuckets.last == 3)

        let depth = [QueueDepth(kind: kind, state: .queued, count: 7)]
        let text = JobMetricsText.render(snapshot, depth: depth)
        let k = kind.rawValue
        #expect(text.contains("# TYPE docket_jobs_finished_total counter\n"))
        #expect(text.contains("docket_jobs_enqueued_total{kind=\"\(k)\"} 3\n"))
        #expect(text.contains("docket_jobs_finished_total{kind=\"\(k)\",outcome=\"dead\"} 1\n"))
        #expect(text.contains("docket_job_duration_seconds_bucket{kind=\"\(k)\",le=\"0.01\"} 2\n"))
        #expect(text.contains("docket_job_duration_seconds_bucket{kind=\"\(k)\",le=\"+Inf\"} 4\n"))
        #expect(text.contains("docket_job_duration_seconds_count{kind=\"\(k)\"} 4\n"))
        #expect(text.contains("docket_queue_depth{kind=\"\(k)\",state=\"queued\"} 7\n"))
        await redis.shutdown()
    }

    @Test func aRuntimeCountsWhatItFinishedAndTheRelayWhatItPublished() async throws {
        let fixture = try await RuntimeFixture.make()
        let tally = JobTally()
        let kind = fixture.kind
        try await fixture.postgres.transaction { tx in
            try JobLedger.enqueue((0..<5).map { _ in NewJob(kind: kind) } + [NewJob(kind: kind, payload: "{\"fail\": true}")], in: tx)
        }
        try await OutboxRelay(postgres: fixture.postgres, redis: fixture.redis, tally: tally, logger: Logger(label: "test")).drain()
        try await fixture.redis.withSession { try JobStats.flush(tally, in: $0) }
        let handler = JobHandler(kind: kind) { job in
            if job.payload.contains("fail") { throw JobFailure(.pdfInvalid, "broken") }
            return .done
        }
        try await fixture.run(fixture.runtime(handler)) {
            let states = try await fixture.states()
            return states["succeeded"] == 5 && states["dead"] == 1
        }
        // The runtime flushed its tally on the way out.
        let snapshot = try await fixture.redis.withSession { try JobStats.read(in: $0) }
        #expect(snapshot.enqueued[kind] == 6)
        #expect(snapshot.finished(kind, .succeeded) == 5)
        #expect(snapshot.finished(kind, .dead) == 1)
        #expect(snapshot.durations[kind]?.count == 6)
        let depth = try await fixture.postgres.withSession { try JobLedger.depth(in: $0) }
        #expect(depth == [QueueDepth(kind: kind, state: .dead, count: 1)])
        try await fixture.tearDown()
    }
}
