import ArgumentParser
import BlobStore
import Foundation
import PDFSandbox

/// `docket-bench pdf`: PDF info and cover thumbnails through the sandbox
/// (isolation on: warm child processes under their limits), beside
/// pdfinfo and pdftoppm run by ../shared/bench/pdf/bench.py over the same
/// corpus in the same run; then every page of the largest document on all
/// cores, beside pdftoppm splitting the pages over as many processes.
struct PDFBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdf", abstract: "Info and thumbnails through the PDF sandbox, beside pdfinfo and pdftoppm."
    )

    @Option(help: "Folder of PDFs (fetch-corpus.sh's DEST; its real/ and derived/ are read).")
    var corpus = "/tmp/pdf-corpus"
    @Option(help: "The peers' bench.py.")
    var peerScript = "../shared/bench/pdf/bench.py"
    @Option(help: "Runs per file; each file's median counts.")
    var reps = 3
    @Option(help: "The document whose every page is rendered (file name within the corpus).")
    var largest = "r-doc-pdf__fullrefman.pdf"
    @Option(help: "Sandbox child processes (default: one per core).")
    var children = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let files = try CorpusFiles.list(corpus)
        guard !files.isEmpty else { throw ValidationError("no PDFs under \(corpus): run ../shared/bench/pdf/fetch-corpus.sh \(corpus)") }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-pdf-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let blobs = try LocalBlobStore(root: output)
        let sandbox = PDFSandbox(configuration: .init(limits: SandboxLimits(requestsPerChild: 1_000_000), children: children))
        _ = try await sandbox.selfCheck()  // children up before the clock starts, as in a running worker

        let docket = try await DocumentTimings.measure(files, reps: reps, sandbox: sandbox, blobs: blobs)
        let peers = try PeerPDFBench.run(script: peerScript, files: files, reps: reps)
        print("docket: \(docket.ok) of \(files.count) files read, \(docket.failed) refused (encrypted or broken)")
        BenchResult(bench: "pdf", figure: "info_median", unit: "ms", docket: docket.infoMedian, peer: peers["pdfinfo"], peerName: "pdfinfo").printPrecise()
        BenchResult(bench: "pdf", figure: "cover_median", unit: "ms", docket: docket.coverMedian, peer: peers["pdftoppm"], peerName: "pdftoppm").printPrecise()
        if let cairo = peers["pdftocairo"] {
            BenchResult(bench: "pdf", figure: "cover_median", unit: "ms", docket: docket.coverMedian, peer: cairo, peerName: "pdftocairo").printPrecise()
        }

        guard let big = files.first(where: { $0.hasSuffix("/" + largest) }) else {
            print("no \(largest) in the corpus: all-pages figure skipped")
            return
        }
        let pages = try await AllPages.docket(big, sandbox: sandbox, blobs: blobs)
        let peer = try AllPages.pdftoppm(big, pages: pages.count, processes: children, box: pages.firstSize, into: output)
        print("all pages of \(largest): \(pages.count) pages")
        BenchResult(bench: "pdf", figure: "all_pages_wall", unit: "s", docket: pages.seconds, peer: peer, peerName: "pdftoppm_x\(children)").printPrecise()
        await sandbox.shutdown()
    }
}

extension BenchResult {
    /// Like `print()`, with two decimals: these figures are small numbers.
    func printPrecise() {
        var fields = ["bench=\(bench)", "figure=\(figure)", "unit=\(unit)", "docket=\(String(format: "%.2f", docket))"]
        if let peer, let peerName {
            // Time: the peer's time over Docket's is how many times faster Docket is.
            fields += ["peer=\(String(format: "%.2f", peer))", "peer_name=\(peerName)", "speedup=\(String(format: "%.2f", peer / docket))"]
        }
        Swift.print("RESULT " + fields.joined(separator: " "))
    }
}

/// The PDFs of a fetch-corpus.sh folder, sorted.
enum CorpusFiles {
    static func list(_ folder: String) throws -> [String] {
        var found: [String] = []
        for part in ["real", "derived"] {
            let directory = folder + "/" + part
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            found += names.filter { $0.hasSuffix(".pdf") }.map { directory + "/" + $0 }
        }
        return found.sorted()
    }
}
