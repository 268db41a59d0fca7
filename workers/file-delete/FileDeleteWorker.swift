import ArgumentParser
import StorageJobs
import WorkerProcess

/// file-delete-worker: runs `file.delete` (CONTRACT.md §4): a deleted
/// document's original and thumbnails leave the blob store.
@main
struct FileDeleteWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file-delete-worker", abstract: "Remove the files of deleted documents."
    )

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        try await WorkerLauncher.run(label: "file-delete-worker", options: options, defaultConcurrency: 8) { context in
            [StorageJobs.start(context, label: "file-delete-worker").fileDelete]
        }
    }
}
