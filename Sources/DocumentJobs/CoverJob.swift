import DocketCore
import JobQueue
import Synchronization

extension DocumentJobs {
    /// `thumbnail.cover`: page 1 fitted into 300×400, JPEG q85, to
    /// `…/thumbs/p0001.jpg`; written durably by the child's thread as it
    /// arrives, recorded with the job's success.
    public var cover: JobHandler {
        let (sandbox, blobs) = (sandbox, blobs)
        return JobHandler(kind: .thumbnailCover, perform: { job in
            let payload = try DocumentJobPayload(job)
            let written = Mutex<ThumbnailRecord?>(nil)
            try await Self.failingAsJob {
                try await sandbox.render(
                    path: blobs.localPath(of: payload.original), pages: [1], box: Self.thumbnailBox, quality: Self.jpegQuality
                ) { page, image in
                    let key = payload.thumbnail(page: page)
                    try blobs.write(key, bytes: image.jpeg)
                    written.withLock { $0 = ThumbnailRecord(page: page, image: image, key: key) }
                }
            }
            guard let cover = written.withLock({ $0 }) else { throw JobFailure(.internal, "page 1 was not rendered") }
            return .commit { session in try DocumentWrites.recordThumbnails([cover], document: payload.documentID, in: session) }
        }, whenDead: Self.failDocument)
    }
}
