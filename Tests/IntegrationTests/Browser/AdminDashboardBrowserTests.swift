import DocketStore
import DocketTesting
import Foundation
import Testing

/// /admin in real headless Chromium against docket-api and PDF workers as
/// processes: log in, find a dead job, requeue it, watch it succeed.
@Suite(.serialized) struct AdminDashboardBrowserTests {
    @Test func anAdminLogsInFindsADeadJobRequeuesItAndWatchesItSucceed() async throws {
        try await DocketProcessStack.with { stack in
            _ = [try stack.worker("pdf-info-worker"), try stack.worker("thumbnail-worker")]
            let admin = try await stack.postgres.transaction {
                try APIKeys.create(userName: "night-ops", role: .admin, quotaBytes: nil, defaultQuotaBytes: 0, in: $0)
            }.secret.text
            // A document whose file was damaged in storage: both its jobs die.
            let broken = try await stack.client.uploadDocument(key: stack.key, bytes: Array("%PDF-1.7 damaged".utf8)).document
            #expect(try await stack.document(broken, reaching: ["failed"])["status"] as? String == "failed")
            // The first death fails the document; wait for the other's too.
            _ = try await stack.job("pdf.info", of: broken, reaching: "dead")
            _ = try await stack.job("thumbnail.cover", of: broken, reaching: "dead")
            // Operations put the right file back; now the jobs can succeed.
            let folder = try PDFFixtures.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            PDFFixtures.make(folder + "/restored.pdf", pages: [(612, 792), (612, 792)], title: "Restored")
            let original = try DocketctlUploadTests.original(of: broken, under: stack.dataDirectory)
            try FileManager.default.removeItem(atPath: original)
            try FileManager.default.copyItem(atPath: folder + "/restored.pdf", toPath: original)
            let base = "http://127.0.0.1:\(stack.environment["DOCKET_API_PORT"] ?? "")"

            try await BrowserHarness.with("admin") { web in
                // Not logged in: the login form; a wrong key is refused in plain words.
                try await web.navigate(to: base + "/admin")
                #expect(try await web.currentURL() == base + "/admin/login")
                try await web.sendKeys(stack.key, to: try await web.element("#key"))
                try await web.click("form[action='/admin/login'] button")
                #expect(try await web.text(".problem") == "That is not a live admin key.")
                try await web.sendKeys(admin, to: try await web.element("#key"))
                try await web.click("form[action='/admin/login'] button")
                try await web.waitUntil("the dashboard") { try await web.findElements(css: "#queues-table").count == 1 }
                #expect(try await web.text("header .who") == "night-ops")
                // The workers are listed; the dead count links to the dead jobs.
                try await web.waitUntil("the workers", timeout: .seconds(20)) {
                    try await web.text("#workers").contains("pdf-info-worker")
                }
                try await web.saveScreenshot(to: "\(BrowserHarness.artifacts)/admin-dashboard.png")
                try await web.click("tr[data-kind='pdf.info'] td.dead a")
                try await web.waitUntil("the dead pdf.info jobs") { try await web.findElements(css: "tr.job[data-state='dead']").count == 1 }
                try await web.click("tr.job[data-state='dead'] a")
                try await web.waitUntil("the job page") { try await web.findElements(css: "#job-state").count == 1 }
                #expect(try await web.text("#job-state") == "dead")
                #expect(try await web.text("#attempts").contains("pdf_invalid"))

                // Requeue asks first: dismissed, nothing happens.
                try await web.click("#requeue")
                #expect(try await web.alertText().hasPrefix("Requeue this pdf.info job"))
                try await web.dismissAlert()
                #expect(try await web.text("#job-state") == "dead")
                try await web.sendKeys("file restored from backup", to: try await web.element("form[action$='/requeue'] input[name='reason']"))
                try await web.click("#requeue")
                try await web.acceptAlert()
                try await web.waitUntil("the requeue notice") { try await web.findElements(css: ".notice").count == 1 }
                try await web.waitUntil("the job to succeed", timeout: .seconds(60), poll: .milliseconds(500)) {
                    try await web.refresh()
                    return try await web.text("#job-state") == "succeeded"
                }
                let history = try await web.text("#events")
                #expect(history.contains("requeue") && history.contains("night-ops") && history.contains("file restored from backup"))
                try await web.saveScreenshot(to: "\(BrowserHarness.artifacts)/admin-job.png")

                // The cover job by bulk requeue: the dry-run count first, then the requeue.
                try await web.navigate(to: base + "/admin")
                _ = try await web.executeScript("document.getElementById('bulk-kind').value = 'thumbnail.cover'")
                try await web.sendKeys("pdf_invalid", to: try await web.element("#bulk-code"))
                try await web.click("#bulk-requeue button")
                try await web.waitUntil("the dry-run count") { try await web.findElements(css: "#dry-run-count").count == 1 }
                #expect(try await web.text("#dry-run-count") == "1")
                try await web.click("#confirm-requeue")
                try await web.waitUntil("the bulk notice") { try await web.findElements(css: ".notice").count == 1 }
                #expect(try await web.text(".notice") == "Requeued 1 dead job(s).")
            }
            let ready = try await stack.document(broken, reaching: ["ready"])
            #expect(ready["page_count"] as? Int == 2)
        }
    }
}
