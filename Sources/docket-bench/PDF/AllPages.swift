import BlobStore
import Foundation
import PDFSandbox
import Synchronization

/// Every page of one document, as `thumbnail.pages` renders it (all
/// children at once, files renamed into place, one syncfs at the end),
/// beside pdftoppm with the pages split over as many processes.
enum AllPages {
    struct Run {
        let count: Int
        let seconds: Double
        let firstSize: (width: Int, height: Int)
    }

    static func docket(_ file: String, sandbox: PDFSandbox, blobs: LocalBlobStore) async throws -> Run {
        let clock = ContinuousClock()
        let started = clock.now
        let count = try await sandbox.pageCount(path: file)
        let first = Mutex((width: 300, height: 400))
        let writing = Mutex(())  // one file at a time, as the job writes them
        try await sandbox.render(path: file, pages: Array(1...count), box: (300, 400), quality: 85) { page, image in
            try writing.withLock { _ in try blobs.write(try BlobKey("pages/p\(page).jpg"), bytes: image.jpeg, durable: false) }
            if page == 1 { first.withLock { $0 = (image.width, image.height) } }
        }
        try blobs.syncFileSystem()
        let elapsed = clock.now - started
        return Run(count: count, seconds: elapsed.milliseconds / 1000, firstSize: first.withLock { $0 })
    }

    /// Wall seconds of `processes` pdftoppm runs over consecutive page ranges at once.
    static func pdftoppm(_ file: String, pages: Int, processes: Int, box: (width: Int, height: Int), into folder: String) throws -> Double {
        let per = (pages + processes - 1) / processes
        let started = ContinuousClock.now
        let runs = try (0..<processes).compactMap { index -> Process? in
            let first = index * per + 1
            guard first <= pages else { return nil }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftoppm")
            process.arguments = [
                "-jpeg", "-jpegopt", "quality=85", "-f", String(first), "-l", String(min(pages, first + per - 1)),
                "-scale-to-x", String(box.width), "-scale-to-y", String(box.height), file, "\(folder)/ppm-\(index)",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for run in runs { run.waitUntilExit() }
        return (ContinuousClock.now - started).milliseconds / 1000
    }
}
