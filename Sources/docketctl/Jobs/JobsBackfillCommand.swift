import ArgumentParser
import Foundation
import DocketCore
import DocketStore
import JobQueue

/// `docketctl jobs backfill --kind pdf.info|thumbnail.cover|thumbnail.pages
/// [--status ready,failed,processing] [--page-size 5000]`: enqueues the kind
/// for every matching document, a page per transaction, until none is left.
/// The running relay (in docket-api) publishes the jobs as they commit.
struct JobsBackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Enqueue a document job for existing documents, page by page until none is left."
    )

    static let kinds: [JobKind] = [.pdfInfo, .thumbnailCover, .thumbnailPages]

    @Option(help: "pdf.info, thumbnail.cover or thumbnail.pages.")
    var kind: String

    @Option(help: "Comma-separated document statuses to include: processing, ready, failed.")
    var status = "processing,ready,failed"

    @Option(help: "Documents per transaction.")
    var pageSize = 5000

    func validate() throws {
        guard Self.kinds.map(\.rawValue).contains(kind) else {
            throw ValidationError("--kind must be one of \(Self.kinds.map(\.rawValue).joined(separator: ", "))")
        }
        guard pageSize > 0 else { throw ValidationError("--page-size must be at least 1") }
        for name in statuses {
            guard let status = DocumentStatus(rawValue: name), [.processing, .ready, .failed].contains(status) else {
                throw ValidationError("--status takes processing, ready and failed; not '\(name)'")
            }
        }
    }

    var statuses: [String] { status.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    func run() async throws {
        let (kind, statuses, pageSize) = (JobKind(self.kind), self.statuses, self.pageSize)
        let report = try await DatabaseAccess.run("jobs backfill") { connection, _ in
            try await JobBackfill.run(kind: kind, statuses: statuses, pageSize: pageSize, on: connection) { page in
                print("page \(page.pages): \(page.documents) documents so far, \(page.enqueued) jobs enqueued")
            }
        }
        print("backfill \(kind.rawValue): \(report.documents) documents in \(report.pages) pages, \(report.enqueued) jobs enqueued"
            + (report.documents > report.enqueued ? " (\(report.documents - report.enqueued) had one running or queued)" : ""))
    }
}
