import BlobStore
import Foundation
import PDFSandbox

/// Per document, the median over reps of `sandbox.info` and of the cover
/// (page 1 into 300×400, JPEG q85, written to a file as pdftoppm does);
/// then the median over documents. A document the sandbox refuses
/// (encrypted, broken) counts as the peers count theirs: its time, failed.
struct DocumentTimings {
    var infoMedian = 0.0
    var coverMedian = 0.0
    var ok = 0
    var failed = 0

    static func measure(_ files: [String], reps: Int, sandbox: PDFSandbox, blobs: LocalBlobStore) async throws -> DocumentTimings {
        var info: [String: [Double]] = [:], cover: [String: [Double]] = [:]
        var failures = Set<String>()
        let clock = ContinuousClock()
        for rep in 0..<reps {
            for (index, file) in files.enumerated() {
                var started = clock.now
                do { _ = try await sandbox.info(path: file) } catch { failures.insert(file) }
                info[file, default: []].append((clock.now - started).milliseconds)
                started = clock.now
                let key = try BlobKey("cover/\(rep)-\(index).jpg")
                do {
                    try await sandbox.render(path: file, pages: [1], box: (300, 400), quality: 85) { _, image in
                        try blobs.write(key, bytes: image.jpeg, durable: false)
                    }
                } catch {
                    failures.insert(file)
                }
                cover[file, default: []].append((clock.now - started).milliseconds)
            }
        }
        return DocumentTimings(
            infoMedian: median(info.values.map(median)), coverMedian: median(cover.values.map(median)),
            ok: files.count - failures.count, failed: failures.count
        )
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
