import ArgumentParser
import DocumentJobs
import WorkerProcess

/// pdf-info-worker: runs `pdf.info` (CONTRACT.md §4). Every PDF is parsed
/// in a sandboxed child process; `--pdf-children` of them at most.
@main
struct PDFInfoWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdf-info-worker", abstract: "Extract page count, page sizes and metadata of uploaded PDFs."
    )

    @OptionGroup var options: WorkerOptions
    @OptionGroup var pdf: PDFWorkerOptions

    func run() async throws {
        try await DocumentJobs.runWorker(label: "pdf-info-worker", options: options, pdf: pdf) { [$0.info] }
    }
}
