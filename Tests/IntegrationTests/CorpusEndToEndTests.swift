import DocketTesting
import Foundation
import Testing

/// Real PDFs (../shared/bench/pdf/fetch-corpus.sh, which scripts/test runs
/// into `DOCKET_PDF_CORPUS`) uploaded through HTTP to real workers: every
/// one ends as Debian's own pdfinfo says it should.
@Suite(.serialized) struct CorpusEndToEndTests {
    @Test func everyCorpusFileEndsReadyWithPdfinfosFacts() async throws {
        let corpus = try TestEnvironment.value("DOCKET_PDF_CORPUS")
        let files = try ["real", "derived"].flatMap { part in
            try FileManager.default.contentsOfDirectory(atPath: "\(corpus)/\(part)")
                .filter { $0.hasSuffix(".pdf") }.sorted().map { "\(corpus)/\(part)/\($0)" }
        }
        #expect(files.count >= 20, "the corpus holds \(files.count) PDFs")
        try await DocketProcessStack.with { stack in
            _ = [try stack.worker("pdf-info-worker"), try stack.worker("thumbnail-worker")]
            var documents: [(file: String, id: String)] = []
            for file in files { documents.append((file, try await stack.upload(file))) }
            for (file, id) in documents {
                let name = URL(fileURLWithPath: file).lastPathComponent
                let shown = try await stack.document(id, reaching: ["ready", "failed"], within: 180)
                let oracle = try await Self.pdfinfo(file)
                if oracle["Pages"] == nil {
                    // pdfinfo could not open it either: it needs the user password.
                    #expect(oracle["error"]?.contains("password") == true, "\(name): \(oracle)")
                    #expect(shown["status"] as? String == "failed", "\(name)")
                    #expect((shown["error"] as? [String: Any])?["error_code"] as? String == "pdf_encrypted", "\(name)")
                    continue
                }
                #expect(shown["status"] as? String == "ready", "\(name): \(shown["error"] ?? "")")
                #expect(shown["page_count"] as? Int == oracle["Pages"].flatMap { Int($0) }, "\(name)")
                #expect(shown["title"] as? String == oracle["Title"].flatMap { $0.isEmpty ? nil : $0 }, "\(name)")
                #expect(shown["pdf_version"] as? String == oracle["PDF version"], "\(name)")
                #expect(shown["encrypted"] as? Bool == oracle["Encrypted"]?.hasPrefix("yes"), "\(name)")
                #expect((shown["pages"] as? [Any])?.count == shown["page_count"] as? Int, "\(name)")
                let cover = (shown["thumbnails"] as? [[String: Any]])?.first
                let (width, height) = (cover?["width"] as? Int ?? 0, cover?["height"] as? Int ?? 0)
                #expect(width <= 300 && height <= 400 && (width == 300 || height == 400), "\(name): \(width)×\(height)")
            }
        }
    }

    /// `pdfinfo FILE` as a dictionary of its `Key: value` lines, and its
    /// complaint under `error` when it could not read the file.
    static func pdfinfo(_ file: String) async throws -> [String: String] {
        let run = try await ProcessRun.run(URL(fileURLWithPath: "/usr/bin/pdfinfo"), [file])
        var facts: [String: String] = run.status == 0 ? [:] : ["error": run.stderr]
        for line in run.stdout.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            facts[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return facts
    }
}
