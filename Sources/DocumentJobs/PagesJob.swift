import BlockingIO
import DocketCore
import JobQueue
import Foundation
import PostgresClient
import Synchronization

extension DocumentJobs {
    /// `thumbnail.pages`: every page, rendered by all the sandbox's
    /// children at once, reporting pages done through the ledger as it
    /// goes. Files are renamed into place without a sync each and made
    /// durable by one syncfs before the rows commit; a rerun overwrites
    /// files and rows alike. One file is written at a time: creating files
    /// in one folder takes its lock in the kernel, where a second writer
    /// spins (perf: 5% of both cores while R's 2,415-page manual rendered)
    /// instead of sleeping as it does on `writing`.
    public var pages: JobHandler {
        let (sandbox, blobs, postgres) = (sandbox, blobs, postgres)
        return JobHandler(kind: .thumbnailPages, timeout: .seconds(3600), perform: { job in
            let payload = try DocumentJobPayload(job)
            let path = blobs.localPath(of: payload.original)
            let total = try await Self.failingAsJob { try await sandbox.pageCount(path: path) }
            let written = Mutex<[ThumbnailRecord]>([])
            let writing = Mutex(())
            let reporter = ProgressReporter(job: job.id, total: total, postgres: postgres)
            try await Self.failingAsJob {
                try await reporter.whileReporting {
                    try await sandbox.render(
                        path: path, pages: Array(1...total), box: Self.thumbnailBox, quality: Self.jpegQuality
                    ) { page, image in
                        let key = payload.thumbnail(page: page)
                        try writing.withLock { _ in try blobs.write(key, bytes: image.jpeg, durable: false) }
                        written.withLock { $0.append(ThumbnailRecord(page: page, image: image, key: key)) }
                        reporter.pageDone()
                    }
                }
                try await OwnThread.run { try blobs.syncFileSystem() }
            }
            let thumbnails = written.withLock { $0 }
            return .commit { session in
                try DocumentWrites.recordThumbnails(thumbnails, document: payload.documentID, in: session)
                try JobLedger.finish(JobProgress(done: total, total: total), of: job.id, in: session)
            }
        })
    }
}

/// Counts pages done and writes the count to the job's ledger row at most
/// every half second while the render runs. A write that fails is skipped:
/// progress is advice, the next report or the completion corrects it.
final class ProgressReporter: Sendable {
    private let job: UUID
    private let total: Int
    private let postgres: PostgresPool
    private let done = Atomic<Int>(0)

    init(job: UUID, total: Int, postgres: PostgresPool) {
        self.job = job
        self.total = total
        self.postgres = postgres
    }

    func pageDone() { done.add(1, ordering: .relaxed) }

    func whileReporting<R>(_ body: () async throws -> R) async throws -> R {
        let reporting = Task { await self.report() }
        defer { reporting.cancel() }
        return try await body()
    }

    private func report() async {
        var reported = -1
        while !Task.isCancelled {
            let now = done.load(ordering: .relaxed)
            if now != reported {
                let (job, progress) = (job, JobProgress(done: now, total: total))
                if (try? await postgres.withSession { try JobLedger.report(progress, of: job, in: $0) }) != nil { reported = now }
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
