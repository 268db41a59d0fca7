import ArgumentParser
import Foundation

/// `docketctl upload FILE…`: uploads PDFs as a client would, a progress
/// bar per file, and prints each document once it is ready or failed.
/// Files go one after another; a failed file does not stop the rest, and
/// any failure makes the exit status 1.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "Upload PDFs and wait until they are processed (client API)."
    )

    @OptionGroup var api: APIOptions
    @Argument(help: "PDF files.") var files: [String]
    @Option(help: "Seconds to wait for each document to be processed.") var wait = 300
    @Flag(help: "Print the documents as JSON.") var json = false

    func run() async throws {
        let uploader = DocumentUploader(client: try api.client(.client), wait: .seconds(wait))
        var documents: [DocketAPIClient.JSONObject] = []
        var failures = 0
        for file in files {
            do {
                let document = try await uploader.upload(file)
                documents.append(document)
                if document["status"] as? String != "ready" { failures += 1 }
            } catch let failure as CommandFailure {
                failures += 1
                FileHandle.standardError.write(Data("docketctl: \(file): \(failure.message)\n".utf8))
            }
        }
        if json { try printJSON(documents) } else if !documents.isEmpty { print(Self.table(documents).rendered) }
        if failures > 0 { throw ExitCode.failure }
    }

    static func table(_ documents: [DocketAPIClient.JSONObject]) -> TextTable {
        var table = TextTable("DOCUMENT", "FILE", "STATUS", "PAGES", "VERSION", "TITLE / ERROR")
        for document in documents {
            let error = document["error"] as? DocketAPIClient.JSONObject
            let note = error.map { "\($0["error_code"] as? String ?? "?"): \($0["message"] as? String ?? "")" }
                ?? document["title"] as? String ?? "-"
            table.append(
                document["id"] as? String ?? "?", document["filename"] as? String ?? "?", document["status"] as? String ?? "?",
                (document["page_count"] as? Int).map(String.init) ?? "-", document["pdf_version"] as? String ?? "-", note
            )
        }
        return table
    }
}
