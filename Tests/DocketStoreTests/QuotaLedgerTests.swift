import DocketCore
import DocketStore
import DocketTesting
import Foundation
import PostgresClient
import Testing

/// quota.settle and quota.release on a real Postgres: each moves a
/// document's bytes once, whatever the order and however often it runs.
@Suite struct QuotaLedgerTests {
    typealias Fixture = UploadsTests.Fixture

    /// A stored and completed upload of `size` bytes: reserved, awaiting settle.
    static func completed(_ fixture: Fixture, size: Int64) async throws -> UUID {
        let upload = try await fixture.create(size: size)
        try await fixture.store(upload)
        let userID = fixture.userID
        _ = try await fixture.postgres.transaction { try Uploads.complete(uploadID: upload.id, userID: userID, in: $0) }
        return upload.documentID
    }

    static func settle(_ fixture: Fixture, _ document: UUID) async throws -> QuotaLedger.Move {
        try await fixture.postgres.transaction { try QuotaLedger.settle(document: document, in: $0) }
    }

    static func release(_ fixture: Fixture, _ document: UUID) async throws -> QuotaLedger.Move {
        try await fixture.postgres.transaction { try QuotaLedger.release(document: document, in: $0) }
    }

    @Test func settleTwiceMovesTheBytesOnce() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let document = try await Self.completed(fixture, size: 300)
        #expect(try await fixture.quota() == Quota(limitBytes: 1000, usedBytes: 0, reservedBytes: 300))
        #expect(try await Self.settle(fixture, document) == .moved(bytes: 300))
        #expect(try await Self.settle(fixture, document) == .nothing)
        #expect(try await fixture.quota() == Quota(limitBytes: 1000, usedBytes: 300, reservedBytes: 0))
        try await fixture.tearDown()
    }

    @Test func releaseAfterSettleGivesTheUsageBackOnce() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let document = try await Self.completed(fixture, size: 300)
        _ = try await Self.settle(fixture, document)
        #expect(try await Self.release(fixture, document) == .moved(bytes: 300))
        #expect(try await Self.release(fixture, document) == .nothing)
        #expect(try await Self.settle(fixture, document) == .nothing)
        #expect(try await fixture.quota() == Quota(limitBytes: 1000, usedBytes: 0, reservedBytes: 0))
        try await fixture.tearDown()
    }

    /// Deleted before its settle ran: release gives the reservation back,
    /// and the late settle changes nothing.
    @Test func releaseBeforeSettleLeavesNothingToSettle() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let document = try await Self.completed(fixture, size: 300)
        #expect(try await Self.release(fixture, document) == .moved(bytes: 300))
        #expect(try await Self.settle(fixture, document) == .nothing)
        #expect(try await fixture.quota() == Quota(limitBytes: 1000, usedBytes: 0, reservedBytes: 0))
        try await fixture.tearDown()
    }

    /// A cancelled upload gave its bytes back when it was cancelled: a
    /// release after that finds nothing.
    @Test func aCancelledUploadIsAlreadyReleased() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let upload = try await fixture.create(size: 200)
        let userID = fixture.userID
        _ = try await fixture.postgres.transaction { try Uploads.cancel(uploadID: upload.id, userID: userID, in: $0) }
        #expect(try await Self.release(fixture, upload.documentID) == .nothing)
        #expect(try await fixture.quota() == Quota(limitBytes: 1000, usedBytes: 0, reservedBytes: 0))
        try await fixture.tearDown()
    }

    /// Uploads, cancels, settles, deletes and releases for one user at once,
    /// each move run twice: the figures end equal to what the documents say.
    @Test func concurrentMovesLeaveNoDrift() async throws {
        let fixture = try await Fixture.make(quota: 1 << 30)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let size = Int64(100 + index)
                    switch index % 4 {
                    case 0:  // left pending: stays reserved
                        _ = try await fixture.create(size: size)
                    case 1:  // cancelled
                        let upload = try await fixture.create(size: size)
                        let userID = fixture.userID
                        _ = try await fixture.postgres.transaction { try Uploads.cancel(uploadID: upload.id, userID: userID, in: $0) }
                    case 2:  // completed and settled, twice over
                        let document = try await Self.completed(fixture, size: size)
                        async let first = Self.settle(fixture, document)
                        async let second = Self.settle(fixture, document)
                        _ = try await (first, second)
                    default:  // completed, deleted, and both moves racing
                        let document = try await Self.completed(fixture, size: size)
                        let userID = fixture.userID
                        _ = try await fixture.postgres.transaction { try Documents.delete(id: document, userID: userID, in: $0) }
                        async let settled = Self.settle(fixture, document)
                        async let released = Self.release(fixture, document)
                        async let again = Self.release(fixture, document)
                        _ = try await (settled, released, again)
                    }
                }
            }
            try await group.waitForAll()
        }
        let expectedReserved = (0..<40).filter { $0 % 4 == 0 }.reduce(0) { $0 + 100 + $1 }
        let expectedUsed = (0..<40).filter { $0 % 4 == 2 }.reduce(0) { $0 + 100 + $1 }
        #expect(try await fixture.quota() == Quota(limitBytes: 1 << 30, usedBytes: Int64(expectedUsed), reservedBytes: Int64(expectedReserved)))
        #expect(try await fixture.postgres.transaction { try QuotaLedger.reconcile(repair: false, in: $0) }.isEmpty)
        try await fixture.tearDown()
    }

    @Test func reconcileReportsAndRepairsDrift() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let document = try await Self.completed(fixture, size: 300)
        _ = try await Self.settle(fixture, document)
        try await fixture.postgres.query("UPDATE users SET used_bytes = used_bytes + 7, reserved_bytes = 5 WHERE id = $1", fixture.userID)
        let drift = try await fixture.postgres.transaction { try QuotaLedger.reconcile(repair: false, in: $0) }
        #expect(drift.map { [$0.usedDrift, $0.reservedDrift] } == [[7, 5]])
        #expect(drift.first?.userID == fixture.userID)
        _ = try await fixture.postgres.transaction { try QuotaLedger.reconcile(repair: true, in: $0) }
        #expect(try await fixture.quota() == Quota(limitBytes: 1000, usedBytes: 300, reservedBytes: 0))
        #expect(try await fixture.postgres.transaction { try QuotaLedger.reconcile(repair: false, in: $0) }.isEmpty)
        try await fixture.tearDown()
    }
}
