import ArgumentParser
import DocumentJobs
import Foundation
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
    @Option(help: "PDF child processes at most (default: one per core).")
    var pdfChildren = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let children = max(1, pdfChildren)
        try await WorkerLauncher.run(label: "thumbnail-worker", options: options, defaultConcurrency: children * 2) { context in
            let jobs = await DocumentJobs.start(context, label: "thumbnail-worker", children: children)
            return [jobs.cover, jobs.pages]
        }
    }
}
