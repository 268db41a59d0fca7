import DocketCore
import JobQueue

extension DocumentJobs {
    /// `pdf.info`: page count and sizes, version, metadata and the
    /// encrypted flag, read in a child, written to the document.
    public var info: JobHandler {
        let (sandbox, blobs) = (sandbox, blobs)
        return JobHandler(kind: .pdfInfo, perform: { job in
            let payload = try DocumentJobPayload(job)
            let info = try await Self.failingAsJob { try await sandbox.info(path: blobs.localPath(of: payload.original)) }
            return .commit { session in try DocumentWrites.recordInfo(info, document: payload.documentID, in: session) }
        }, whenDead: Self.failDocument)
    }
}
