import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import PostgresClient

/// /admin, the web dashboard (CONTRACT.md §2): server-rendered pages over
/// the same ledger, Redis and registry the admin API reads, behind a
/// session opened with an admin key. Pages read without JavaScript;
/// admin.js refreshes the live parts and asks before destructive posts.
struct AdminWeb {
    let services: APIServices

    func register(on router: Router<APIContext>) {
        router.get("admin/login") { request, context in await respond(context) { try login(request, problem: nil) } }
        router.post("admin/login") { request, context in await respond(context) { try await logIn(request) } }
        router.post("admin/logout") { request, context in await respond(context) { try await logOut(request) } }
        router.get("admin") { request, context in await respond(context) { try await dashboard(request) } }
        router.get("admin/live") { request, context in await respond(context) { try await live(request) } }
        router.get("admin/jobs") { request, context in await respond(context) { try await jobs(request) } }
        router.get("admin/jobs/:id") { request, context in await respond(context) { try await job(request, context) } }
        router.post("admin/jobs/:id/requeue") { request, context in await respond(context) { try await act(request, context, requeue: true) } }
        router.post("admin/jobs/:id/discard") { request, context in await respond(context) { try await act(request, context, requeue: false) } }
        router.post("admin/requeue") { request, context in await respond(context) { try await bulkRequeue(request) } }
        router.get("admin/documents") { request, context in await respond(context) { try await document(request) } }
    }

    /// Runs `body` for the logged-in admin in one Postgres hop (in a
    /// transaction when `transaction`); nil when no session is open.
    func visit<T: Sendable>(
        _ request: Request, transaction: Bool = false, _ body: @escaping @Sendable (AdminGate.Visit, borrowing PostgresSession) throws -> T
    ) async throws -> T? {
        guard let secret = AdminGate.secret(request) else { return nil }
        let run: @Sendable (borrowing PostgresSession) throws -> T? = { session in
            guard let principal = try AdminSessions.principal(for: secret, in: session) else { return nil }
            return try body(AdminGate.Visit(principal: principal, csrf: AdminSessions.csrfToken(for: secret)), session)
        }
        return transaction ? try await services.postgres.transaction(run) : try await services.postgres.withSession(run)
    }

    /// A POST's form once its origin and CSRF token are checked.
    func postedForm(_ request: Request) async throws -> FormBody {
        let form = try await FormBody.read(request)
        guard AdminGate.sameOrigin(request), let secret = AdminGate.secret(request), AdminGate.csrfMatches(form, secret: secret) else {
            throw DocketError(.forbidden, "this form is stale or came from another site: reload the page and try again")
        }
        return form
    }

    /// To the login page, forgetting the cookie: no session, or it ended.
    var toLogin: Response {
        var headers = HTTPFields()
        headers[.setCookie] = AdminGate.clearedCookie.description
        return HTMLResponse.redirect(to: "/admin/login", headers: headers)
    }

    /// Errors as an HTML page with the contract's status and error_code.
    func respond(_ context: APIContext, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            let answer = ProblemMiddleware.classify(error)
            context.logger.info("admin page failed", metadata: ["error.code": "\(answer.code.rawValue)", "error.detail": "\(answer.logDetail)"])
            struct Failure { let title: String; let errorCode: String; let detail: String; let requestID: String }
            let failure = Failure(title: answer.code.title, errorCode: answer.code.rawValue, detail: answer.detail, requestID: context.requestID)
            // Without templates, the same facts as plain text.
            let html = (try? AdminTemplates.render(failure, "error"))
                ?? HTMLResponse.escape("\(failure.title): \(failure.detail) (error_code \(failure.errorCode), request \(failure.requestID))")
            return HTMLResponse.page(html, status: HTTPResponse.Status(code: answer.code.httpStatus))
        }
    }
}
