import DocketCore
import DocketStore
import DocketTesting
import Foundation
import PostgresClient
import Testing

/// Pending uploads and quota on a real Postgres: the reservation invariant,
/// the state machine, and what each wrong move answers.
@Suite struct UploadsTests {
    struct Fixture {
        let database: TestDatabase
        let postgres: PostgresPool
        let userID: UUID

        static func make(quota: Int) async throws -> Fixture {
            let database = try await TestDatabase.createMigrated()
            let postgres = PostgresPool(configuration: database.configuration)
            let created = try await postgres.transaction {
                try APIKeys.create(userName: "u", role: .client, quotaBytes: quota, defaultQuotaBytes: 0, in: $0)
            }
            return Fixture(database: database, postgres: postgres, userID: created.record.userID)
        }

        func create(size: Int64, ttl: Duration = .seconds(3600)) async throws -> PendingUpload {
            let documentID = UUIDv7.make()
            let userID = self.userID
            return try await postgres.transaction {
                try Uploads.create(
                    UploadRequest(filename: "a.pdf", contentType: "application/pdf", sizeBytes: size),
                    userID: userID, documentID: documentID, blobKey: "\(userID)/\(documentID)/original.pdf",
                    maxBytes: 1 << 30, ttl: ttl, in: $0
                )
            }
        }

        func quota() async throws -> Quota {
            let userID = self.userID
            return try await postgres.withSession { try Quota.read(userID: userID, in: $0) }
        }

        func store(_ upload: PendingUpload) async throws {
            let userID = self.userID
            try await postgres.transaction {
                try Uploads.markStored(documentID: upload.documentID, userID: userID, sha256: "abc", in: $0)
            }
        }

        func tearDown() async throws {
            await postgres.shutdown()
            try await database.drop()
        }
    }

    /// 50 reservations of 100 bytes at once against a quota of 1,000: exactly 10 win.
    @Test func concurrentReservationsNeverPassTheQuota() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let outcomes = try await withThrowingTaskGroup(of: ErrorCode?.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    do {
                        _ = try await fixture.create(size: 100)
                        return nil
                    } catch let error as DocketError {
                        return error.code
                    }
                }
            }
            return try await group.reduce(into: [ErrorCode?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 10)
        #expect(outcomes.filter { $0 == .quotaExceeded }.count == 40)
        #expect(try await fixture.quota() == Quota(limitBytes: 1000, usedBytes: 0, reservedBytes: 1000))
        let pending = try await fixture.postgres.query("SELECT count(*) FROM uploads WHERE state = 'pending'")
        #expect(try pending.scalar(Int.self) == 10)
        try await fixture.tearDown()
    }

    @Test(arguments: [
        (UploadRequest(filename: "a.pdf", contentType: "application/pdf", sizeBytes: 0), ErrorCode.emptyFile),
        (UploadRequest(filename: "a.pdf", contentType: "application/pdf", sizeBytes: -5), .invalidInput),
        (UploadRequest(filename: "a.pdf", contentType: "image/png", sizeBytes: 5), .unsupportedMediaType),
        (UploadRequest(filename: "", contentType: "application/pdf", sizeBytes: 5), .invalidInput),
        (UploadRequest(filename: "a.pdf", contentType: "application/pdf", sizeBytes: 101), .bodyTooLarge),
    ])
    func aBadRequestIsRefusedBeforeAnythingIsReserved(request: UploadRequest, code: ErrorCode) {
        let error = #expect(throws: DocketError.self) { try request.validate(maxBytes: 100) }
        #expect(error?.code == code)
    }

    @Test func completeOnceThenTheSameAnswer() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let upload = try await fixture.create(size: 300)
        let userID = fixture.userID
        let early = await #expect(throws: DocketError.self) {
            try await fixture.postgres.transaction { try Uploads.complete(uploadID: upload.id, userID: userID, in: $0) }
        }
        #expect(early?.code == .conflict)
        try await fixture.store(upload)
        // The token uploads once.
        let again = await #expect(throws: DocketError.self) { try await fixture.store(upload) }
        #expect(again?.code == .conflict)
        let first = try await fixture.postgres.transaction { try Uploads.complete(uploadID: upload.id, userID: userID, in: $0) }
        #expect(first == .completed(documentID: upload.documentID, sizeBytes: 300))
        let second = try await fixture.postgres.transaction { try Uploads.complete(uploadID: upload.id, userID: userID, in: $0) }
        #expect(second == .alreadyCompleted(documentID: upload.documentID))
        let document = try await fixture.postgres.withSession { try Documents.get(id: upload.documentID, userID: userID, in: $0) }
        #expect(document.status == .processing)
        #expect(document.sha256 == "abc")
        // Completed bytes stay reserved until quota.settle turns them into usage.
        #expect(try await fixture.quota().reservedBytes == 300)
        let cancel = await #expect(throws: DocketError.self) {
            try await fixture.postgres.transaction { try Uploads.cancel(uploadID: upload.id, userID: userID, in: $0) }
        }
        #expect(cancel?.code == .conflict)
        try await fixture.tearDown()
    }

    @Test func cancelReleasesTheReservationOnce() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let upload = try await fixture.create(size: 400)
        let userID = fixture.userID
        #expect(try await fixture.quota().reservedBytes == 400)
        _ = try await fixture.postgres.transaction { try Uploads.cancel(uploadID: upload.id, userID: userID, in: $0) }
        #expect(try await fixture.quota().reservedBytes == 0)
        let twice = await #expect(throws: DocketError.self) {
            try await fixture.postgres.transaction { try Uploads.cancel(uploadID: upload.id, userID: userID, in: $0) }
        }
        #expect(twice?.code == .conflict)
        #expect(try await fixture.quota().reservedBytes == 0)
        let document = try await fixture.postgres.withSession { try Documents.get(id: upload.documentID, userID: userID, in: $0) }
        #expect(document.status == .deleted)
        try await fixture.tearDown()
    }

    @Test func anExpiredUploadIsExpiredAtCompleteAndItsBytesReleased() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let upload = try await fixture.create(size: 250)
        try await fixture.store(upload)
        // Its hour is up (set, not slept: a loaded machine cannot make this flaky).
        try await fixture.postgres.query("UPDATE uploads SET expires_at = now() - interval '1 second' WHERE id = $1", upload.id)
        let userID = fixture.userID
        let outcome = try await fixture.postgres.transaction { try Uploads.complete(uploadID: upload.id, userID: userID, in: $0) }
        #expect(outcome == .expired)
        #expect(try await fixture.quota().reservedBytes == 0)
        #expect(try await fixture.postgres.transaction { try Uploads.complete(uploadID: upload.id, userID: userID, in: $0) } == .expired)
        #expect(try await fixture.quota().reservedBytes == 0)
        try await fixture.tearDown()
    }

    @Test func anotherUsersUploadIsNotFound() async throws {
        let fixture = try await Fixture.make(quota: 1000)
        let upload = try await fixture.create(size: 10)
        let stranger = UUID()
        let error = await #expect(throws: DocketError.self) {
            try await fixture.postgres.transaction { try Uploads.cancel(uploadID: upload.id, userID: stranger, in: $0) }
        }
        #expect(error?.code == .notFound)
        let lookup = await #expect(throws: DocketError.self) {
            try await fixture.postgres.withSession { try Documents.get(id: upload.documentID, userID: stranger, in: $0) }
        }
        #expect(lookup?.code == .notFound)
        try await fixture.tearDown()
    }
}
