import ArgumentParser
import BlobStore
import DocketCore
import Foundation
import JobQueue
import PDFSandbox
import WorkerProcess

extension DocumentJobs {
    /// The sandbox and blob store a PDF worker needs, from its settings
    /// (`DOCKET_PDF_TIMEOUT`, `DOCKET_PDF_MEMORY`, `DOCKET_BLOB_DIR`), after
    /// one child has proved it starts confined; otherwise one line and exit 2.
    public static func start(_ context: WorkerContext, label: String, children: Int) async -> DocumentJobs {
        let timing = context.settings.timing
        let limits = SandboxLimits(
            memoryBytes: timing.pdfMemoryBytes, cpuSeconds: max(1, Int(timing.pdfTimeout.components.seconds)),
            wallClock: timing.pdfTimeout
        )
        let sandbox = PDFSandbox(configuration: .init(limits: limits, children: children))
        do {
            let check = try await sandbox.selfCheck()
            guard check.socketErrno != 0 else {
                WorkerLauncher.exitWithError(label, "the PDF sandbox can open sockets; refusing to parse PDFs in it")
            }
        } catch {
            WorkerLauncher.exitWithError(label, "the PDF sandbox \(sandbox.configuration.executable) does not start: \(error)")
        }
        let blobs: LocalBlobStore
        do {
            blobs = try LocalBlobStore(root: context.settings.blobDirectory)
        } catch {
            WorkerLauncher.exitWithError(label, "DOCKET_BLOB_DIR: \(error)")
        }
        return DocumentJobs(sandbox: sandbox, blobs: blobs, postgres: context.postgres, logger: context.logger)
    }
}

/// The flag both PDF workers add to `WorkerOptions`.
public struct PDFWorkerOptions: ParsableArguments {
    @Option(help: "PDF child processes at most (default: one per core).")
    public var pdfChildren = ProcessInfo.processInfo.activeProcessorCount

    public init() {}
}

extension DocumentJobs {
    /// A PDF worker's whole run: `WorkerLauncher` with twice as many jobs at
    /// once as children (one loads while another renders), over the
    /// handlers `pick` chooses.
    public static func runWorker(
        label: String, options: WorkerOptions, pdf: PDFWorkerOptions, _ pick: @escaping (DocumentJobs) -> [JobHandler]
    ) async throws {
        let children = max(1, pdf.pdfChildren)
        try await WorkerLauncher.run(label: label, options: options, defaultConcurrency: children * 2) { context in
            pick(await DocumentJobs.start(context, label: label, children: children))
        }
    }
}
