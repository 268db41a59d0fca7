import DocketStore
import DocketTesting
import Foundation
import Testing

/// The upload page in real headless Chromium against docket-api and the
/// PDF workers as processes: two PDFs uploaded and ready with their
/// covers, a third aborted mid-way with its reservation given back.
@Suite(.serialized) struct UploadPageBrowserTests {
    @Test func twoUploadsBecomeReadyWithCoversAndAnAbortedOneLeavesNothingReserved() async throws {
        try await DocketProcessStack.with { stack in
            _ = [try stack.worker("pdf-info-worker"), try stack.worker("thumbnail-worker"), try stack.worker("quota-worker")]
            let folder = try PDFFixtures.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            PDFFixtures.make(folder + "/letter.pdf", pages: [(612, 792)], title: "Letter")
            PDFFixtures.make(folder + "/slides.pdf", pages: [(842, 595), (842, 595), (842, 595)], title: "Slides")
            try Data(PDFFixtures.pdfLookingBytes(24 << 20)).write(to: URL(fileURLWithPath: folder + "/archive.pdf"))
            let base = "http://127.0.0.1:\(stack.environment["DOCKET_API_PORT"] ?? "")"

            try await BrowserHarness.with("upload") { web in
                try await web.navigate(to: base + "/")
                try await web.sendKeys(stack.key, to: try await web.element("#api-key"))
                try await web.click("#use-key")
                try await web.waitUntil("the quota") { try await web.text("#quota-text").contains("limit") }
                // A slow link, so the big file is still going when it is aborted.
                try await web.setNetworkConditions(latencyMs: 5, downloadBytesPerSecond: 50 << 20, uploadBytesPerSecond: 2 << 20)
                try await web.upload(files: ["letter.pdf", "slides.pdf", "archive.pdf"].map { folder + "/" + $0 }, to: try await web.element("#file-input"))
                let archive = "li.upload[data-filename='archive.pdf']"
                try await web.waitUntil("the big upload to start", timeout: .seconds(30)) {
                    try await web.number("return document.querySelector(\"\(archive) progress\")?.value || 0") > 0
                }
                try await web.click("\(archive) button.abort")
                try await web.waitUntil("the abort", timeout: .seconds(20)) {
                    try await web.attribute("data-state", of: try await web.element(archive)) == "aborted"
                }
                #expect(try await web.text("\(archive) .status").contains("aborted"))
                try await web.clearNetworkConditions()

                for name in ["letter.pdf", "slides.pdf"] {
                    let row = "li.upload[data-filename='\(name)']"
                    try await web.waitUntil("\(name) ready with its cover", timeout: .seconds(60), poll: .milliseconds(250)) {
                        guard try await web.attribute("data-state", of: try await web.element(row)) == "ready" else { return false }
                        return try await web.number("return document.querySelector(\"\(row) img.thumb\")?.naturalWidth || 0") > 0
                    }
                }
                #expect(try await web.text("li.upload[data-filename='slides.pdf']").contains("3"))
                try await web.waitUntil("the documents list", timeout: .seconds(20)) {
                    try await web.findElements(css: "#documents li.document[data-status='ready']").count == 2
                }
                try await web.saveScreenshot(to: "\(BrowserHarness.artifacts)/upload-page.png")
                // The key lives in the tab's session only.
                #expect(try await web.executeScript("return window.localStorage.length").intValue == 0)
                #expect(try await web.executeScript("return document.cookie").stringValue == "")
            }
            // The aborted upload holds nothing: its reservation was cancelled;
            // the two others are settled into usage at their stored sizes.
            let sizes = try ["letter.pdf", "slides.pdf"].map { try FileManager.default.attributesOfItem(atPath: folder + "/" + $0)[.size] as! Int }
            var quota: [String: Any] = [:]
            try await WorkerCrashTests.waitUntil(30) {
                quota = try await stack.client.json("GET", "/v1/quota", key: stack.key).json()
                return quota["reserved_bytes"] as? Int == 0
            }
            #expect(quota["used_bytes"] as? Int == sizes.reduce(0, +), "\(quota)")
            let listed = try await stack.client.json("GET", "/v1/documents", key: stack.key).json()["items"] as? [[String: Any]] ?? []
            #expect(listed.filter { $0["status"] as? String == "ready" }.count == 2)
            #expect(!listed.contains { $0["filename"] as? String == "archive.pdf" && $0["status"] as? String != "deleted" })
        }
    }

    /// Each refusal in plain words: an empty file, a file that is not a
    /// PDF, one over the quota (all refused before any byte is sent), and a
    /// damaged PDF that the workers fail.
    @Test func refusedFilesSayWhyInPlainWords() async throws {
        try await DocketProcessStack.with { stack in
            _ = [try stack.worker("pdf-info-worker"), try stack.worker("thumbnail-worker")]
            let small = try await stack.postgres.transaction {
                try APIKeys.create(userName: "small-quota", role: .client, quotaBytes: 5_000, defaultQuotaBytes: 0, in: $0)
            }.secret.text
            let folder = try PDFFixtures.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let files: [(String, [UInt8])] = [
                ("empty.pdf", []), ("notes.pdf", Array("just some text".utf8)),
                ("huge.pdf", PDFFixtures.pdfLookingBytes(6_000)), ("damaged.pdf", Array("%PDF-1.7 damaged".utf8)),
            ]
            for (name, bytes) in files { try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name)) }
            let base = "http://127.0.0.1:\(stack.environment["DOCKET_API_PORT"] ?? "")"

            try await BrowserHarness.with("upload-refusals") { web in
                try await web.navigate(to: base + "/")
                try await web.sendKeys(small, to: try await web.element("#api-key"))
                try await web.click("#use-key")
                try await web.waitUntil("the quota") { try await web.text("#quota-text").contains("limit") }
                try await web.upload(files: files.map { folder + "/" + $0.0 }, to: try await web.element("#file-input"))
                let expected = [
                    "empty.pdf": "This file is empty", "notes.pdf": "That is not a PDF",
                    "huge.pdf": "Not enough storage left in your quota", "damaged.pdf": "The file is damaged or not a valid PDF",
                ]
                for (name, message) in expected {
                    let row = "li.upload[data-filename='\(name)']"
                    try await web.waitUntil("\(name) refused", timeout: .seconds(60), poll: .milliseconds(250)) {
                        try await web.attribute("data-state", of: try await web.element(row)) == "failed"
                    }
                    #expect(try await web.text("\(row) .status").contains(message), "\(name)")
                }
                try await web.saveScreenshot(to: "\(BrowserHarness.artifacts)/upload-refusals.png")
            }
            // Only the damaged file reached the server; nothing else was reserved.
            let quota = try await stack.client.json("GET", "/v1/quota", key: small).json()
            #expect((quota["used_bytes"] as? Int ?? 0) + (quota["reserved_bytes"] as? Int ?? 0) <= 16, "\(quota)")
        }
    }
}
