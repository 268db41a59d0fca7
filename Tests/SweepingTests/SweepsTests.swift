import BlobStore
import DocketCore
import DocketStore
import DocketTesting
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient
import Sweeping
import Testing

/// Each sweep on a real Postgres, Redis and folder: what it removes, what it
/// must leave alone, and that a second run changes nothing. Ages are set in
/// the rows and on the files, never waited for.
@Suite struct SweepsTests {
    final class Fixture: Sendable {
        let database: TestDatabase
        let postgres: PostgresPool
        let redis: RedisPool
        let blobs: LocalBlobStore
        let root: String
        let sweeps: Sweeps
        let userID: UUID

        init(_ settings: [String: String] = [:]) async throws {
            database = try await TestDatabase.createMigrated()
            postgres = PostgresPool(configuration: database.configuration)
            redis = RedisPool(configuration: try TestEnvironment.redisConfiguration())
            root = NSTemporaryDirectory() + "docket-sweeps-" + UUID().uuidString.lowercased()
            blobs = try LocalBlobStore(root: root)
            let timing = try DocketConfiguration(environment: settings).timing
            sweeps = Sweeps(postgres: postgres, redis: redis, blobs: blobs, timing: timing, logger: Logger(label: "test"))
            userID = try await postgres.transaction {
                try APIKeys.create(userName: "u", role: .client, quotaBytes: 1 << 30, defaultQuotaBytes: 0, in: $0)
            }.record.userID
            // The orphan sweep's history is cluster-wide: start it empty.
            _ = try await redis.send("DEL", "docket:sweep:orphan_uploads:history")
        }

        /// A pending upload of 100 bytes, `stored` or not, expiring at `expiresAt`.
        func pending(stored: Bool, expiresAt: Date) async throws -> PendingUpload {
            let (documentID, userID) = (UUIDv7.make(), userID)
            let upload = try await postgres.transaction {
                try Uploads.create(
                    UploadRequest(filename: "a.pdf", contentType: "application/pdf", sizeBytes: 100),
                    userID: userID, documentID: documentID, blobKey: BlobKey.original(user: userID, document: documentID).path,
                    maxBytes: 1 << 30, ttl: .seconds(3600), in: $0
                )
            }
            if stored {
                try blobs.write(.original(user: userID, document: documentID), bytes: Array(repeating: 1, count: 100), durable: false)
                try await postgres.transaction { try Uploads.markStored(documentID: documentID, userID: userID, sha256: "x", in: $0) }
            }
            try await postgres.query("UPDATE uploads SET expires_at = $2 WHERE id = $1", upload.id, expiresAt)
            return upload
        }

        func quota() async throws -> Quota {
            let userID = self.userID
            return try await postgres.withSession { try Quota.read(userID: userID, in: $0) }
        }

        func tearDown() async throws {
            await postgres.shutdown()
            try await database.drop()
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    @Test func orphanUploadsRemovesOldStagingFilesOnly() async throws {
        let fixture = try await Fixture()
        let (user, document) = (UUID(), UUID())
        let old = try fixture.blobs.stage(.original(user: user, document: document))
        let fresh = try fixture.blobs.stage(.thumbnail(user: user, document: document, page: 1))
        defer { old.abort(); fresh.abort() }
        let files = try fixture.blobs.stagingFiles()
        let oldPath = try #require(files.first { $0.path.contains("original.pdf") }?.path)
        var times = [timespec(tv_sec: time(nil) - 7200, tv_nsec: 0), timespec(tv_sec: time(nil) - 7200, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, oldPath, &times, 0) == 0)
        try fixture.blobs.write(.original(user: user, document: UUID()), bytes: [1], durable: false)  // a blob, never touched

        #expect(try await fixture.sweeps.orphanUploads.run() == ["removed": 1])
        let left = try fixture.blobs.stagingFiles().map(\.path)
        #expect(left.count == 1 && left[0].contains("p0001.jpg"))
        #expect(try await fixture.sweeps.orphanUploads.run() == ["removed": 0])
        try await fixture.tearDown()
    }

    @Test func expiredPendingUploadsAreExpiredAndTheirReservationsReleased() async throws {
        let fixture = try await Fixture()
        let past = Date().addingTimeInterval(-60)
        let storedExpired = try await fixture.pending(stored: true, expiresAt: past)
        _ = try await fixture.pending(stored: false, expiresAt: past)
        let live = try await fixture.pending(stored: true, expiresAt: Date().addingTimeInterval(3600))
        #expect(try await fixture.quota().reservedBytes == 300)

        #expect(try await fixture.sweeps.pendingUploads.run() == ["expired": 2, "error": 0])
        #expect(try await fixture.quota().reservedBytes == 100)
        #expect(try fixture.blobs.size(of: BlobKey(storedExpired.blobKey)) == nil)
        #expect(try fixture.blobs.size(of: BlobKey(live.blobKey)) == 100)
        let states = try await fixture.postgres.query("SELECT state, count(*) FROM uploads GROUP BY state ORDER BY state")
            .map { "\(try $0.decode(0, as: String.self))=\(try $0.decode(1, as: Int.self))" }
        #expect(states == ["expired=2", "pending=1"])
        // Twice: nothing more.
        #expect(try await fixture.sweeps.pendingUploads.run() == ["expired": 0, "error": 0])
        #expect(try await fixture.quota().reservedBytes == 100)
        try await fixture.tearDown()
    }

    @Test func stuckDocumentsWithoutTheirFileFailAndNothingElseChanges() async throws {
        let fixture = try await Fixture(["DOCKET_STUCK_AFTER": "1h"])
        let userID = fixture.userID
        func document(_ status: String, age: Int, file: Bool) async throws -> UUID {
            let id = UUIDv7.make()
            let key = BlobKey.original(user: userID, document: id)
            try await fixture.postgres.query(
                """
                INSERT INTO documents (id, user_id, filename, status, size_bytes, blob_key, updated_at)
                VALUES ($1, $2, 'a.pdf', $3, 1, $4, now() - make_interval(secs => $5))
                """,
                id, userID, status, key.path, age
            )
            if file { try fixture.blobs.write(key, bytes: [1], durable: false) }
            return id
        }
        let lost = try await document("processing", age: 7200, file: false)
        let slow = try await document("processing", age: 7200, file: true)
        let recent = try await document("processing", age: 60, file: false)
        let failed = try await document("failed", age: 7200, file: false)

        #expect(try await fixture.sweeps.stuckDocuments.run() == ["failed": 1])
        func status(_ id: UUID) async throws -> [String?] {
            let row = try await fixture.postgres.query("SELECT status, error_code, error_message FROM documents WHERE id = $1", id).first
            return [try row?.decode(0, as: String.self), try row?.decode(1, as: String?.self), try row?.decode(2, as: String?.self)]
        }
        let lostNow = try await status(lost)
        #expect(lostNow[0] == "failed" && lostNow[1] == "blob_missing")
        #expect(lostNow[2]?.contains("the original file is missing") == true)
        #expect(try await status(slow)[0] == "processing")
        #expect(try await status(recent)[0] == "processing")
        #expect(try await status(failed) == ["failed", nil, nil])
        #expect(try fixture.blobs.size(of: .original(user: userID, document: slow)) == 1)
        #expect(try await fixture.sweeps.stuckDocuments.run() == ["failed": 0])
        try await fixture.tearDown()
    }

    @Test func ledgerRetentionDeletesOnlyOldFinishedJobsInBatches() async throws {
        let fixture = try await Fixture(["DOCKET_RETAIN_SUCCEEDED": "7d", "DOCKET_RETAIN_DEAD": "30d"])
        try await fixture.postgres.query(
            """
            INSERT INTO jobs (id, kind, state, max_attempts, finished_at)
            SELECT gen_random_uuid(), 'noop', s.state, 1, now() - make_interval(days => s.days)
            FROM (VALUES ('succeeded', 8, 2500), ('succeeded', 6, 10), ('dead', 31, 5), ('dead', 20, 5), ('discarded', 40, 3))
                 AS s(state, days, n), generate_series(1, s.n)
            """
        )
        try await fixture.postgres.query("INSERT INTO jobs (id, kind, state, max_attempts) SELECT gen_random_uuid(), 'noop', 'queued', 1 FROM generate_series(1, 4)")
        #expect(try await fixture.sweeps.ledgerRetention.run() == ["succeeded": 2500, "dead": 5, "discarded": 3])
        let left = try await fixture.postgres.query("SELECT state, count(*) FROM jobs GROUP BY state ORDER BY state")
            .map { "\(try $0.decode(0, as: String.self))=\(try $0.decode(1, as: Int.self))" }
        #expect(left == ["dead=5", "queued=4", "succeeded=10"])
        #expect(try await fixture.sweeps.ledgerRetention.run() == ["succeeded": 0, "dead": 0, "discarded": 0])
        try await fixture.tearDown()
    }

    @Test func expiredAdminSessionsAreDeletedAndLiveOnesKept() async throws {
        let fixture = try await Fixture()
        let key = try await fixture.postgres.transaction {
            try APIKeys.create(userName: "admin-\(UUID())", role: .admin, quotaBytes: nil, defaultQuotaBytes: 0, in: $0)
        }
        try await fixture.postgres.query(
            """
            INSERT INTO admin_sessions (secret_sha256, api_key_id, expires_at)
            SELECT sha256(convert_to(g::text, 'UTF8')), $1, now() + make_interval(hours => CASE WHEN g <= 3 THEN -1 ELSE 1 END)
            FROM generate_series(1, 5) AS g
            """,
            key.record.id
        )
        #expect(try await fixture.sweeps.expiredSessions.run() == ["expired": 3])
        #expect(try await fixture.postgres.query("SELECT count(*) FROM admin_sessions").scalar(Int.self) == 2)
        #expect(try await fixture.sweeps.expiredSessions.run() == ["expired": 0])
        try await fixture.tearDown()
    }

    @Test func quotaDriftIsReportedNotRepaired() async throws {
        let fixture = try await Fixture()
        _ = try await fixture.pending(stored: false, expiresAt: Date().addingTimeInterval(3600))
        #expect(try await fixture.sweeps.quotaReconcile.run() == ["drift": 0])
        try await fixture.postgres.query("UPDATE users SET used_bytes = 42 WHERE id = $1", fixture.userID)
        #expect(try await fixture.sweeps.quotaReconcile.run() == ["drift": 1])
        #expect(try await fixture.quota().usedBytes == 42)
        try await fixture.tearDown()
    }
}
