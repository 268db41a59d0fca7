import DocketCore
import DocketStore
import DocketTesting
import Foundation
@testable import JobQueue
import PostgresClient
import Testing

/// /admin over HTTP as a browser uses it: a login form, a session cookie,
/// forms that carry the CSRF token, HTML pages.
@Suite struct AdminWebTests {
    /// A browser of one: keeps the session cookie and the page's CSRF token.
    struct Browser {
        let stack: APITestStack
        var cookie: String?

        func get(_ path: String) async throws -> HTTPTestResponse {
            try await stack.client.send("GET", path, headers: cookie.map { ["Cookie": $0] } ?? [:])
        }

        func post(_ path: String, _ fields: [String: String], origin: String? = nil) async throws -> HTTPTestResponse {
            var headers = ["Content-Type": "application/x-www-form-urlencoded"]
            headers["Cookie"] = cookie
            headers["Origin"] = origin
            let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&")
            return try await stack.client.send("POST", path, headers: headers, body: Array(body.utf8))
        }

        mutating func logIn(_ key: String) async throws -> HTTPTestResponse {
            let answer = try await post("/admin/login", ["key": key])
            if let setCookie = answer.headers["set-cookie"], let pair = setCookie.split(separator: ";").first { cookie = String(pair) }
            return answer
        }

        /// The CSRF token of the page at `path`.
        func csrf(_ path: String = "/admin") async throws -> String {
            let page = try await get(path).text
            guard let range = page.range(of: #"name="csrf" value=""#) else { throw HTTPTestError("no csrf field on \(path)") }
            return String(page[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    func deadJob(_ stack: APITestStack, message: String = "broken") async throws -> String {
        let id = try await stack.postgres.transaction { try JobLedger.enqueue([NewJob(kind: .pdfInfo)], in: $0) }[0].id
        try await stack.postgres.query(
            "UPDATE jobs SET state = 'dead', attempt = 2, last_error_code = 'pdf_invalid', last_error_message = $2, finished_at = now() WHERE id = $1",
            id, message
        )
        return id.uuidString.lowercased()
    }

    @Test func onlyAnAdminKeyOpensASessionAndTheCookieIsHttpOnlyAndStrict() async throws {
        let stack = try await APITestStack.start()
        let (admin, _) = try await stack.key("web-admin", role: .admin)
        let (client, _) = try await stack.key(role: .client)
        var browser = Browser(stack: stack)
        let anonymous = try await browser.get("/admin")
        #expect(anonymous.status == 303)
        #expect(anonymous.headers["location"] == "/admin/login")
        #expect(try await browser.get("/admin/login").text.contains(#"<input id="key" name="key" type="password""#))

        let refused = try await browser.logIn(client)
        #expect(refused.status == 401)
        #expect(refused.text.contains("That is not a live admin key."))
        #expect(browser.cookie == nil)
        #expect(try await browser.logIn("dk_nonsense").status == 401)
        // A login form posted from another site is refused.
        #expect(try await browser.post("/admin/login", ["key": admin], origin: "http://evil.example").status == 403)

        let accepted = try await browser.logIn(admin)
        #expect(accepted.status == 303)
        let cookie = try #require(accepted.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/admin"), "\(cookie)")
        #expect(!cookie.contains(admin) && !cookie.contains("Secure"))
        // Behind a TLS proxy the cookie is Secure as well.
        let proxied = try await stack.client.send("POST", "/admin/login", headers: [
            "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-Proto": "https",
        ], body: Array("key=\(admin)".utf8))
        #expect(proxied.headers["set-cookie"]?.contains("Secure") == true)
        let dashboard = try await browser.get("/admin")
        #expect(dashboard.status == 200)
        #expect(dashboard.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(dashboard.text.contains(#"id="queues-table""#) && dashboard.text.contains("web-admin"))
        let live = try JSONSerialization.jsonObject(with: Data(try await browser.get("/admin/live").body)) as? [String: String]
        #expect(live?["queues"]?.contains("pdf.info") == true)

        // Log out ends the session server-side: the old cookie opens nothing.
        let old = browser.cookie
        #expect(try await browser.post("/admin/logout", ["csrf": try await browser.csrf()]).status == 303)
        browser.cookie = old
        #expect(try await browser.get("/admin").status == 303)
        try await stack.stop()
    }

    @Test func revokingTheKeyEndsItsSessions() async throws {
        let stack = try await APITestStack.start()
        let created = try await stack.postgres.transaction {
            try APIKeys.create(userName: "revoked-admin", role: .admin, quotaBytes: nil, defaultQuotaBytes: 0, in: $0)
        }
        var browser = Browser(stack: stack)
        _ = try await browser.logIn(created.secret.text)
        #expect(try await browser.get("/admin").status == 200)
        _ = try await stack.postgres.transaction { try APIKeys.revoke(id: created.record.id, in: $0) }
        #expect(try await browser.get("/admin").status == 303)
        try await stack.stop()
    }

    @Test func requeueNeedsTheTokenAndIsKeptWithTheAdminsName() async throws {
        let stack = try await APITestStack.start()
        let (admin, _) = try await stack.key("web-ops", role: .admin)
        var browser = Browser(stack: stack)
        _ = try await browser.logIn(admin)
        let id = try await deadJob(stack, message: "<script>alert(1)</script>")

        let page = try await browser.get("/admin/jobs/\(id)")
        #expect(page.status == 200)
        #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.text.contains("<script>alert"))
        #expect(page.text.contains(#"id="requeue""#))
        let listed = try await browser.get("/admin/jobs?state=dead&error_code=pdf_invalid")
        #expect(listed.text.contains(#"data-job-id="\#(id)""#))

        // No token, a wrong one, or another site's origin: 403 and nothing changes.
        #expect(try await browser.post("/admin/jobs/\(id)/requeue", [:]).status == 403)
        #expect(try await browser.post("/admin/jobs/\(id)/requeue", ["csrf": "forged"]).status == 403)
        let token = try await browser.csrf("/admin/jobs/\(id)")
        #expect(try await browser.post("/admin/jobs/\(id)/requeue", ["csrf": token], origin: "http://evil.example").status == 403)
        #expect(try await stack.postgres.query("SELECT state FROM jobs WHERE id = $1::uuid", id).scalar(String.self) == "dead")

        let done = try await browser.post("/admin/jobs/\(id)/requeue", ["csrf": token, "reason": "parser fixed"])
        #expect(done.status == 303)
        #expect(done.headers["location"] == "/admin/jobs/\(id)?done=requeued")
        let after = try await browser.get("/admin/jobs/\(id)?done=requeued").text
        #expect(after.contains(#"id="job-state">queued"#))
        #expect(after.contains("<td>requeue</td><td>web-ops</td><td>parser fixed</td>"), "\(after)")
        // Queued now: a second requeue is a 409 page; a discard is allowed.
        let conflict = try await browser.post("/admin/jobs/\(id)/requeue", ["csrf": token])
        #expect(conflict.status == 409)
        #expect(conflict.text.contains("a queued job cannot be requeued"))
        #expect(try await browser.post("/admin/jobs/\(id)/discard", ["csrf": token]).status == 303)
        #expect(try await stack.postgres.query("SELECT state FROM jobs WHERE id = $1::uuid", id).scalar(String.self) == "discarded")
        #expect(try await browser.get("/admin/jobs/\(UUID())").status == 404)
        try await stack.stop()
    }

    @Test func bulkRequeueShowsTheDryRunCountThenRequeues() async throws {
        let stack = try await APITestStack.start()
        let (admin, _) = try await stack.key(role: .admin)
        var browser = Browser(stack: stack)
        _ = try await browser.logIn(admin)
        let ids = [try await deadJob(stack), try await deadJob(stack)]
        let token = try await browser.csrf()

        let dry = try await browser.post("/admin/requeue", ["csrf": token, "kind": "pdf.info", "error_code": "pdf_invalid"])
        #expect(dry.status == 200)
        #expect(dry.text.contains(#"<strong id="dry-run-count">2</strong>"#), "\(dry.text)")
        #expect(try await stack.postgres.query("SELECT count(*)::int FROM jobs WHERE state = 'dead'").scalar(Int.self) == 2)

        let confirmed = try await browser.post("/admin/requeue", ["csrf": token, "kind": "pdf.info", "error_code": "pdf_invalid", "confirm": "yes"])
        #expect(confirmed.status == 303)
        #expect(confirmed.headers["location"]?.hasSuffix("requeued=2") == true)
        let states = try await stack.postgres.query("SELECT state FROM jobs WHERE id = ANY($1::uuid[])", ids.compactMap(UUID.init(uuidString:)))
        #expect(try states.map { try $0.decode(0, as: String.self) } == ["queued", "queued"])
        let none = try await browser.post("/admin/requeue", ["csrf": token, "error_code": "pdf_invalid"])
        #expect(none.text.contains(#"<strong id="dry-run-count">0</strong>"#) && !none.text.contains("confirm-requeue"))
        try await stack.stop()
    }

    @Test func aDocumentIsFoundByIdWithItsJobs() async throws {
        let stack = try await APITestStack.start()
        let (admin, _) = try await stack.key(role: .admin)
        let (client, _) = try await stack.key("doc-owner")
        let document = try await stack.client.uploadDocument(key: client, bytes: APITestStack.pdfBytes(900)).document
        var browser = Browser(stack: stack)
        _ = try await browser.logIn(admin)
        let page = try await browser.get("/admin/documents?id=\(document)")
        #expect(page.status == 200)
        #expect(page.text.contains(#"data-document-id="\#(document)""#) && page.text.contains("doc-owner"))
        #expect(page.text.contains("pdf.info") && page.text.contains("thumbnail.cover"))
        #expect(try await browser.get("/admin/documents?id=\(UUID())").status == 404)
        #expect(try await browser.get("/admin/documents?id=nope").status == 400)
        try await stack.stop()
    }

    @Test func theUploadPageAndTheScriptsAreServedWithAStrictPolicy() async throws {
        let stack = try await APITestStack.start()
        let page = try await stack.client.send("GET", "/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        #expect(page.text.contains(#"id="file-input""#) && page.text.contains("/web/upload.js"))
        for (path, type) in [("/web/upload.js", "text/javascript"), ("/web/admin.js", "text/javascript"), ("/web/admin.css", "text/css")] {
            let asset = try await stack.client.send("GET", path)
            #expect(asset.status == 200 && asset.headers["content-type"]?.hasPrefix(type) == true, "\(path)")
        }
        #expect(try await stack.client.send("GET", "/web/../Package.swift").status == 404)
        #expect(try await stack.client.send("GET", "/web/nothing.js").status == 404)
        try await stack.stop()
    }
}
