import BlobStore
import BlockingIO
import DocketCore
import DocketStore
import Foundation
import JobQueue
import Logging
import PostgresClient
import RedisClient

/// The sweeps of DESIGN.md "Sweepers", built from the sweeper's settings.
public struct Sweeps: Sendable {
    let postgres: PostgresPool
    let redis: RedisPool
    let blobs: LocalBlobStore
    let timing: DocketTiming
    let logger: Logger

    public init(postgres: PostgresPool, redis: RedisPool, blobs: LocalBlobStore, timing: DocketTiming, logger: Logger) {
        self.postgres = postgres
        self.redis = redis
        self.blobs = blobs
        self.timing = timing
        self.logger = logger
    }

    /// Every sweep, on its configured period.
    public var all: [Sweep] {
        [orphanUploads, pendingUploads, stuckDocuments, ledgerRetention, expiredSessions, quotaReconcile]
    }

    /// Staging files (`*.uploading`) older than `DOCKET_ORPHAN_MAX_AGE`: a
    /// crashed or killed upload left them. A live upload's file is younger
    /// (it is written at least every `DOCKET_BODY_TIMEOUT`). A WARNING when
    /// the last three runs removed `DOCKET_ORPHAN_WARN_COUNT` or more in all:
    /// something keeps crashing mid-upload.
    public var orphanUploads: Sweep {
        let (blobs, redis, logger, maxAge, warnCount) = (blobs, redis, logger, timing.orphanMaxAge, timing.orphanWarnCount)
        return Sweep(name: "orphan_uploads", every: timing.sweepOrphansEvery) {
            let cutoff = Date().addingTimeInterval(-maxAge.seconds)
            let removed = try await OwnThread.run {
                try blobs.stagingFiles().filter { $0.modifiedAt < cutoff }.reduce(0) { count, file in
                    count + (try blobs.removeStagingFile(file) ? 1 : 0)
                }
            }
            let history = "docket:sweep:orphan_uploads:history"
            let recent = try await redis.withSession { session in
                _ = try session.pipeline([
                    RedisCommand("LPUSH", history, String(removed)), RedisCommand("LTRIM", history, "0", "2"),
                ])
                return try session.send("LRANGE", history, "0", "2").array?.compactMap(\.int) ?? []
            }
            if recent.count == 3, recent.reduce(0, +) >= warnCount {
                logger.warning("orphaned upload files keep appearing", metadata: [
                    "sweep.name": "orphan_uploads", "sweep.removed_last_3_runs": "\(recent.reduce(0, +))",
                ])
            }
            return ["removed": removed]
        }
    }

    /// Pending uploads past `expires_at`: expired, their reservations given
    /// back (in the same transaction), their stored bytes, if any, removed.
    /// Bounded batches, each its own transaction, until none is left.
    public var pendingUploads: Sweep {
        let (postgres, blobs) = (postgres, blobs)
        return Sweep(name: "pending_uploads", every: timing.sweepPendingEvery, atStart: true) {
            var expired = 0, errors = 0
            while true {
                let batch = try await postgres.transaction { try Uploads.expireDue(limit: 500, in: $0) }
                expired += batch.count
                for upload in batch {
                    do {
                        let key = try BlobKey(upload.blobKey)
                        _ = try await OwnThread.run { try blobs.delete(key) }
                    } catch {
                        errors += 1  // the file stays for the orphan and stuck sweeps' owners to see
                    }
                }
                if batch.count < 500 { break }
            }
            return ["expired": expired, "error": errors]
        }
    }

    /// Documents `processing` for over `DOCKET_STUCK_AFTER` whose original
    /// is missing: `failed` (`blob_missing`) with a message saying so.
    /// Deletes nothing; a document whose file is there is left to its jobs.
    public var stuckDocuments: Sweep {
        let (postgres, blobs, stuckAfter) = (postgres, blobs, timing.stuckAfter)
        return Sweep(name: "stuck_documents", every: timing.sweepStuckEvery, atStart: true) {
            let seconds = Int(stuckAfter.seconds)
            let stuck = try await postgres.query(
                "SELECT id, blob_key FROM documents WHERE status = 'processing' AND updated_at < now() - make_interval(secs => $1)",
                seconds
            ).map { (try $0.decode(0, as: UUID.self), try $0.decode(1, as: String.self)) }
            let missing = try await OwnThread.run {
                try stuck.filter { _, key in try blobs.size(of: BlobKey(key)) == nil }.map(\.0)
            }
            guard !missing.isEmpty else { return ["failed": 0] }
            let failed = try await postgres.transaction { session in
                try session.query(
                    """
                    UPDATE documents SET status = 'failed', error_code = 'blob_missing',
                           error_message = 'the original file is missing; the document was processing for over ' || $2 || ' s',
                           updated_at = now()
                    WHERE id = ANY($1::uuid[]) AND status = 'processing' AND updated_at < now() - make_interval(secs => $3)
                    RETURNING id
                    """,
                    missing, String(seconds), seconds
                ).count
            }
            return ["failed": failed]
        }
    }

    /// Finished jobs past their retention (`DOCKET_RETAIN_SUCCEEDED`,
    /// `DOCKET_RETAIN_DEAD`, discarded as dead), deleted 1,000 at a time,
    /// each batch its own transaction; attempts and events go with them.
    public var ledgerRetention: Sweep {
        let (postgres, retainSucceeded, retainDead) = (postgres, timing.retainSucceeded, timing.retainDead)
        return Sweep(name: "ledger_retention", every: timing.sweepRetentionEvery) {
            var counts: [String: Int] = [:]
            for (state, age) in [("succeeded", retainSucceeded), ("dead", retainDead), ("discarded", retainDead)] {
                var removed = 0
                while true {
                    let batch = try await postgres.transaction { session in
                        try session.query(
                            """
                            DELETE FROM jobs WHERE id IN (
                                SELECT id FROM jobs WHERE state = $1 AND finished_at < now() - make_interval(secs => $2) LIMIT 1000
                            )
                            RETURNING 1
                            """,
                            state, Int(age.seconds)
                        ).count
                    }
                    removed += batch
                    if batch < 1000 { break }
                }
                counts[state] = removed
            }
            return counts
        }
    }

    /// /admin sessions past their expiry: a login clears them too, but a
    /// dashboard nobody logs into again would keep them for ever. On the
    /// ledger-retention period.
    public var expiredSessions: Sweep {
        let postgres = postgres
        return Sweep(name: "expired_sessions", every: timing.sweepRetentionEvery) {
            ["expired": try await postgres.withSession { try AdminSessions.deleteExpired(in: $0) }]
        }
    }

    /// Every user's `used_bytes` and `reserved_bytes` recomputed from their
    /// documents (`QuotaLedger.reconcile`); a user whose figures differ is
    /// logged (a WARNING with both drifts) and counted as `drift`. Reported,
    /// not repaired: `quota.settle` and `quota.release` keep the figures
    /// exact, so drift means a bug or a hand edit that a person should see.
    public var quotaReconcile: Sweep {
        let (postgres, logger) = (postgres, logger)
        return Sweep(name: "quota_reconcile", every: timing.sweepQuotaEvery) {
            let drifts = try await postgres.transaction { try QuotaLedger.reconcile(repair: false, in: $0) }
            for drift in drifts {
                logger.warning("quota figures differ from the user's documents", metadata: [
                    "user.id": "\(drift.userID)", "quota.used_drift": "\(drift.usedDrift)", "quota.reserved_drift": "\(drift.reservedDrift)",
                ])
            }
            return ["drift": drifts.count]
        }
    }
}
