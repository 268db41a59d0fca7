import BlobStore
import DocketCore
import Foundation
import JobQueue
import Logging
import PDFProcessing
import PDFSandbox
import PostgresClient

/// The handlers of the PDF jobs (CONTRACT.md §4): `pdf.info` for
/// pdf-info-worker, `thumbnail.cover` and `thumbnail.pages` for
/// thumbnail-worker. Every PDF is opened in the sandbox's child processes;
/// thumbnails go to the blob store by atomic rename under deterministic
/// names, and the rows they describe commit with the job's success.
public struct DocumentJobs: Sendable {
    /// The size every thumbnail is fitted into, and its JPEG quality.
    public static let thumbnailBox = (width: 300, height: 400)
    public static let jpegQuality = 85

    let sandbox: PDFSandbox
    let blobs: LocalBlobStore
    let postgres: PostgresPool
    let logger: Logger

    public init(sandbox: PDFSandbox, blobs: LocalBlobStore, postgres: PostgresPool, logger: Logger) {
        self.sandbox = sandbox
        self.blobs = blobs
        self.postgres = postgres
        self.logger = logger
    }

    /// A dead `pdf.info` or `thumbnail.cover` fails its document, with the
    /// job's error code and message.
    static func failDocument(_ job: LedgerJob, _ failure: JobFailure, _ session: borrowing PostgresSession) throws {
        guard let document = job.documentID else { return }
        try DocumentWrites.markFailed(document, code: failure.code, message: failure.message, in: session)
    }

    /// Runs `body`, turning what the sandbox and the blob store throw into
    /// the job failures the ledger records.
    static func failingAsJob<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as PDFError {
            throw JobFailure(error.code, error.message)
        } catch let error as BlobStoreError {
            throw JobFailure(error.jobErrorCode, error.message)
        }
    }
}
