import Foundation

/// ../shared/bench/pdf/bench.py over the same files: pdfinfo, pdftoppm and
/// pdftocairo, one process per file, wall ms; returns each method's median
/// over files (of each file's median over reps).
enum PeerPDFBench {
    static func run(script: String, files: [String], reps: Int) throws -> [String: Double] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bench-pdf-peers-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let text = try PeerCommand.run(
            "python3", [script, "--reps", String(reps), "--out", out, "--methods", "pdfinfo,pdftoppm,pdftocairo"] + files
        )
        var medians: [String: Double] = [:]
        // method files median p90 max total fail
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 7, let median = Double(fields[2]) else { continue }
            medians[String(fields[0])] = median
        }
        guard medians["pdftoppm"] != nil, medians["pdfinfo"] != nil else {
            throw PeerCommand.Failure(description: "bench.py printed no summary: \(text.suffix(400))")
        }
        return medians
    }
}
