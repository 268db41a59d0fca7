import BlobStore
import BlockingIO
import DocketCore
import DocketStore
import Foundation
import JobQueue
import Logging
import PostgresClient
import WorkerProcess

/// The handlers that keep storage and quota honest (CONTRACT.md §4):
/// `file.delete` for file-delete-worker, `quota.settle` and
/// `quota.release` for quota-worker. Each is idempotent: run twice, the
/// second run finds nothing left to do.
public struct StorageJobs: Sendable {
    let blobs: LocalBlobStore
    let postgres: PostgresPool
    let logger: Logger

    public init(blobs: LocalBlobStore, postgres: PostgresPool, logger: Logger) {
        self.blobs = blobs
        self.postgres = postgres
        self.logger = logger
    }

    /// `file.delete`: the document's folder (original, thumbnails, leftover
    /// staging files) leaves the blob store, then its thumbnail rows go;
    /// the document row stays, `deleted`, as a tombstone. Missing files
    /// are success. Refused for a document that is not deleted.
    public var fileDelete: JobHandler {
        let (blobs, postgres, logger) = (blobs, postgres, logger)
        return JobHandler(kind: .fileDelete, perform: { job in
            let payload = try DocumentJobPayload(job)
            let status = try await postgres.query("SELECT status FROM documents WHERE id = $1", payload.documentID)
                .first.map { try $0.decode(0, as: String.self) }
            guard status == DocumentStatus.deleted.rawValue else {
                throw JobFailure(
                    code: JobErrorCode.internal.rawValue, retryable: false,
                    message: "document \(payload.documentID) is \(status ?? "missing"), not deleted: its files stay"
                )
            }
            do {
                let removed = try await OwnThread.run { try blobs.deleteDocument(user: payload.userID, document: payload.documentID) }
                logger.info("document files removed", metadata: ["document.id": "\(payload.documentID)", "files.removed": "\(removed)"])
            } catch let error as BlobStoreError {
                throw JobFailure(error.jobErrorCode, error.message)
            }
            return .commit { session in
                try session.query("DELETE FROM thumbnails WHERE document_id = $1", payload.documentID)
            }
        })
    }

    /// `quota.settle`: the completed upload's reservation becomes usage, once.
    public var quotaSettle: JobHandler {
        JobHandler(kind: .quotaSettle, perform: { job in
            let payload = try DocumentJobPayload(job)
            return .commit { session in try QuotaLedger.settle(document: payload.documentID, in: session) }
        })
    }

    /// `quota.release`: a deleted document's bytes leave the quota, once,
    /// from reserved or used, wherever they stand.
    public var quotaRelease: JobHandler {
        JobHandler(kind: .quotaRelease, perform: { job in
            let payload = try DocumentJobPayload(job)
            return .commit { session in try QuotaLedger.release(document: payload.documentID, in: session) }
        })
    }
}

extension StorageJobs {
    /// The blob store from the worker's settings (`DOCKET_BLOB_DIR`); one
    /// line and exit 2 when it cannot be used.
    public static func start(_ context: WorkerContext, label: String) -> StorageJobs {
        do {
            return StorageJobs(
                blobs: try LocalBlobStore(root: context.settings.blobDirectory), postgres: context.postgres, logger: context.logger
            )
        } catch {
            WorkerLauncher.exitWithError(label, "DOCKET_BLOB_DIR: \(error)")
        }
    }
}
