import DocketCore
import DocketTesting
import Foundation
@testable import JobQueue
import RedisClient
import Testing

/// The dashboard's per-minute history, kept in Redis by the tally flushes.
@Suite struct JobThroughputTests {
    @Test func flushesCountFinishedJobsInTheirMinuteAndTheWindowHasEveryMinute() async throws {
        let redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
        let kind = JobKind("minute.\(UUID().uuidString.prefix(8))")
        let tally = JobTally()
        tally.finished(kind, .succeeded, after: .milliseconds(3))
        tally.finished(kind, .succeeded, after: .milliseconds(3))
        tally.finished(kind, .retried, after: .milliseconds(3))
        tally.finished(kind, .dead, after: .milliseconds(3))
        tally.enqueued(kind, count: 9)  // not a finish: not in the chart
        try await redis.withSession { try JobStats.flush(tally, in: $0) }

        let series = try await redis.withSession { try JobThroughput.read(minutes: 60, in: $0) }
        let mine = try #require(series.first { $0.kind == kind })
        #expect(mine.minutes.count == 60)
        #expect(mine.minutes.map(\.minute) == Array((mine.minutes[0].minute)...(mine.minutes[0].minute + 59)))
        // The flush just happened: this minute, or the one before if the clock turned meanwhile.
        let counted = mine.minutes.suffix(2)
        #expect(counted.reduce(0) { $0 + $1.succeeded } == 2)
        #expect(counted.reduce(0) { $0 + $1.failed } == 2)
        #expect(mine.minutes.dropLast(2).allSatisfy { $0.succeeded == 0 && $0.failed == 0 })

        // Each minute's hash expires on its own: no sweeper needed.
        let busy = try #require(counted.last { $0.succeeded > 0 || $0.failed > 0 })
        let ttl = try await redis.withSession { session in
            try session.send("TTL", JobThroughput.keyPrefix + String(busy.minute)).int
        }
        #expect((1...JobThroughput.retention).contains(ttl ?? 0))
        await redis.shutdown()
    }
}
