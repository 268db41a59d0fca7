import ArgumentParser
import DocumentJobs
import WorkerProcess

/// thumbnail-worker: runs `thumbnail.cover` and `thumbnail.pages`
/// (CONTRACT.md §4). Pages render in sandboxed child processes, a
/// document's pages spread over all of them at once.
@main
struct ThumbnailWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thumbnail-worker", abstract: "Render cover and page thumbnails of uploaded PDFs."
    )

    @OptionGroup var options: WorkerOptions
    @OptionGroup var pdf: PDFWorkerOptions

    func run() async throws {
        try await DocumentJobs.runWorker(label: "thumbnail-worker", options: options, pdf: pdf) { [$0.cover, $0.pages] }
    }
}
