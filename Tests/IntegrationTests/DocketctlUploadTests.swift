import DocketStore
import DocketTesting
import Foundation
import PostgresClient
import Testing

/// `docketctl upload`, `jobs list/show/requeue/discard` and `demo` against
/// a live docket-api with real PDF workers, as an operator would use them.
@Suite(.serialized) struct DocketctlUploadTests {
    @Test func anOperatorUploadsFindsTheDeadJobsAndRequeuesThemOnceTheFileIsFixed() async throws {
        try await DocketProcessStack.with { stack in
            _ = [try stack.worker("pdf-info-worker"), try stack.worker("thumbnail-worker")]
            let admin = try await stack.postgres.transaction {
                try APIKeys.create(userName: "ops", role: .admin, quotaBytes: 10 << 20, defaultQuotaBytes: 0, in: $0)
            }.secret.text
            let environment = [
                "DOCKET_API_URL": "http://127.0.0.1:\(stack.environment["DOCKET_API_PORT"] ?? "")",
                "DOCKET_CLIENT_KEY": stack.key, "DOCKET_ADMIN_KEY": admin,
            ]
            func docketctl(_ arguments: String...) async throws -> ProcessRun {
                try await ProcessRun.run(try BuiltProducts.executable("docketctl"), arguments, environment: environment)
            }
            let folder = try PDFFixtures.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            PDFFixtures.make(folder + "/good.pdf", pages: [(612, 792), (612, 792)], title: "Good")
            try Data("%PDF-1.7 and nothing more".utf8).write(to: URL(fileURLWithPath: folder + "/broken.pdf"))

            // Both files go; the broken one fails, so the exit status is 1.
            let upload = try await docketctl("upload", folder + "/good.pdf", folder + "/broken.pdf", "--json")
            #expect(upload.status == 1)
            let documents = try #require(try JSONSerialization.jsonObject(with: Data(upload.stdout.utf8)) as? [[String: Any]])
            #expect(documents.map { $0["status"] as? String } == ["ready", "failed"], "\(upload.stdout) \(upload.stderr)")
            #expect(documents.first?["page_count"] as? Int == 2)
            #expect((documents.last?["error"] as? [String: Any])?["error_code"] as? String == "pdf_invalid")
            let broken = try #require(documents.last?["id"] as? String)
            let missing = try await docketctl("upload", folder + "/nothing.pdf")
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("nothing.pdf: not a readable file"), "\(missing.stderr)")

            // The dead jobs, in a table and as JSON.
            let table = try await docketctl("jobs", "list", "--state", "dead", "--error-code", "pdf_invalid")
            #expect(table.status == 0 && table.stdout.hasPrefix("ID"), "\(table.stderr)")
            let dead = try #require(try JSONSerialization.jsonObject(
                with: Data(try await docketctl("jobs", "list", "--state", "dead", "--json").stdout.utf8)) as? [[String: Any]])
            #expect(Set(dead.compactMap { $0["kind"] as? String }) == ["pdf.info", "thumbnail.cover"])
            #expect(dead.allSatisfy { $0["document_id"] as? String == broken })
            let info = try #require(dead.first { $0["kind"] as? String == "pdf.info" }?["id"] as? String)
            let shown = try await docketctl("jobs", "show", info)
            #expect(shown.stdout.contains("pdf_invalid") && shown.stdout.contains("attempts:"), "\(shown.stdout)")

            // The file is put right; a dry run counts, then both are requeued and succeed.
            let original = try Self.original(of: broken, under: stack.dataDirectory)
            try FileManager.default.removeItem(atPath: original)
            try FileManager.default.copyItem(atPath: folder + "/good.pdf", toPath: original)
            let dry = try await docketctl("jobs", "requeue", "--all-dead", "--error-code", "pdf_invalid", "--dry-run")
            #expect(dry.stdout.contains("2 dead job(s) would be requeued"), "\(dry.stdout) \(dry.stderr)")
            #expect(try await docketctl("jobs", "list", "--state", "dead", "--json").stdout.contains(info))
            let requeued = try await docketctl("jobs", "requeue", "--all-dead", "--error-code", "pdf_invalid", "--reason", "file restored")
            #expect(requeued.stdout.contains("requeued 2 dead job(s)"), "\(requeued.stdout) \(requeued.stderr)")
            let ready = try await stack.document(broken, reaching: ["ready"])
            #expect(ready["page_count"] as? Int == 2)
            let history = try await docketctl("jobs", "show", info)
            #expect(history.stdout.contains("state:     succeeded"), "\(history.stdout)")
            #expect(history.stdout.contains("requeue") && history.stdout.contains("ops") && history.stdout.contains("file restored"))

            // A succeeded job cannot be requeued or discarded: 409, one line, status 1.
            for action in ["requeue", "discard"] {
                let refused = try await docketctl("jobs", action, info)
                #expect(refused.status == 1)
                #expect(refused.stderr.contains("409 conflict"), "\(refused.stderr)")
                #expect(refused.stderr.split(separator: "\n").count == 1)
            }
            // A mistyped command is one line too, without the usage block.
            let mistake = try await docketctl("jobs", "requeue", "--all-dead", info)
            #expect(mistake.status != 0)
            #expect(mistake.stderr == "docketctl: give job ids or --all-dead, not both or neither\n", "\(mistake.stderr)")

            // The demo uploads its PDFs and sees them all processed.
            let demo = try await docketctl("demo", "--documents", "2", "--wait", "60")
            #expect(demo.status == 0, "\(demo.stdout) \(demo.stderr)")
            #expect(demo.stdout.contains("documents processed 2/2"), "\(demo.stdout)")
        }
    }

    /// The stored original of `document` (blobs/<user>/<document>/original.pdf).
    static func original(of document: String, under data: String) throws -> String {
        let blobs = data + "/blobs"
        for user in try FileManager.default.contentsOfDirectory(atPath: blobs) {
            let path = "\(blobs)/\(user)/\(document)/original.pdf"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw HTTPTestError("no original for \(document)")
    }
}
