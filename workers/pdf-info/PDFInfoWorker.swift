import ArgumentParser
import DocumentJobs
import Foundation
import WorkerProcess

/// pdf-info-worker: runs `pdf.info` (CONTRACT.md §4). Every PDF is parsed
/// in a sandboxed child process; `--pdf-children` of them at most.
@main
struct PDFInfoWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdf-info-worker", abstract: "Extract page count, page sizes and metadata of uploaded PDFs."
    )

    @OptionGroup var options: WorkerOptions
    @Option(help: "PDF child processes at most (default: one per core).")
    var pdfChildren = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let children = max(1, pdfChildren)
        try await WorkerLauncher.run(label: "pdf-info-worker", options: options, defaultConcurrency: children * 2) { context in
            let jobs = await DocumentJobs.start(context, label: "pdf-info-worker", children: children)
            return [jobs.info]
        }
    }
}
