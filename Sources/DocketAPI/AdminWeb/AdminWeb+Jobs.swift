import DocketCore
import Foundation
import Hummingbird
import JobQueue
import UUIDText

extension AdminWeb {
    struct JobsView {
        let admin: String
        let csrf: String
        let state: String
        let kind: String
        let errorCode: String
        let jobs: [AdminJob]
        let nextLink: String?
        let isDead: Bool
        let requeued: String?
        /// Mirror-visible (Mustache reads stored properties only).
        let states: [Option]
    }

    struct Option {
        let value: String
        let selected: Bool
    }

    /// Jobs by state (dead by default), kind and error_code, newest first.
    func jobs(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let state = query["state"].map(String.init) ?? "dead"
        let kind = query["kind"].map(String.init) ?? ""
        let errorCode = query["error_code"].map(String.init) ?? ""
        let filter = try AdminRoutes.filter(state, kind: kind, errorCode: errorCode)
        let after = try query["after"].flatMap { text -> UUID? in
            guard !text.isEmpty else { return nil }
            guard let id = UUID(uuidString: String(text)) else { throw DocketError(.invalidInput, "after must be a job id") }
            return id
        }
        guard let (visit, page) = try await visit(request, { visit, session in
            (visit, try JobAdmin.list(filter, after: after, limit: 50, newestFirst: true, in: session))
        }) else { return toLogin }
        let base = "/admin/jobs?state=\(AdminFormat.query(state))&kind=\(AdminFormat.query(kind))&error_code=\(AdminFormat.query(errorCode))"
        let view = JobsView(
            admin: visit.principal.userName, csrf: visit.csrf, state: state, kind: kind, errorCode: errorCode,
            jobs: page.items.map(AdminJob.init), nextLink: page.nextAfter.map { base + "&after=" + $0.lowercasedString },
            isDead: state == "dead", requeued: query["requeued"].map(String.init),
            states: JobState.allCases.map { Option(value: $0.rawValue, selected: $0.rawValue == state) }
        )
        return HTMLResponse.page(try AdminTemplates.render(view, "jobs"))
    }

    struct JobView {
        let admin: String
        let csrf: String
        let job: AdminJob
        let attempts: [AdminJobDetail.Attempt]
        let events: [AdminJobDetail.Event]
        let canRequeue: Bool
        let canDiscard: Bool
        let done: String?
    }

    /// One job with every attempt and admin event, and its actions.
    func job(_ request: Request, _ context: APIContext) async throws -> Response {
        let id = try UploadRoutes.id(context)
        guard let (visit, detail) = try await visit(request, { visit, session in (visit, try JobAdmin.detail(of: id, in: session)) }) else {
            return toLogin
        }
        guard let detail else { throw DocketError(.notFound, "no job has id \(id.lowercasedString)") }
        let body = AdminJobDetail(detail)
        let view = JobView(
            admin: visit.principal.userName, csrf: visit.csrf, job: body.job, attempts: body.attempts, events: body.events,
            canRequeue: detail.summary.state == .dead, canDiscard: [.dead, .queued].contains(detail.summary.state),
            done: request.uri.queryParameters["done"].map(String.init)
        )
        return HTMLResponse.page(try AdminTemplates.render(view, "job"))
    }

    /// Requeue or discard from the job's page; the admin and the reason go
    /// into the job's events. A state that does not allow it → 409 page.
    func act(_ request: Request, _ context: APIContext, requeue: Bool) async throws -> Response {
        let id = try UploadRoutes.id(context)
        let form = try await postedForm(request)
        let reason = form["reason"]
        guard let result = try await visit(request, transaction: true, { visit, session in
            requeue ? try JobAdmin.requeue(id, actor: visit.principal.userName, reason: reason, in: session)
                : try JobAdmin.discard(id, actor: visit.principal.userName, reason: reason, in: session)
        }) else { return toLogin }
        switch result {
        case .done: break
        case .notFound: throw DocketError(.notFound, "no job has id \(id.lowercasedString)")
        case .conflict(let state): throw DocketError(.conflict, "a \(state.rawValue) job cannot be \(requeue ? "requeued" : "discarded")")
        }
        if requeue { services.relayBell?.ring() }
        return HTMLResponse.redirect(to: "/admin/jobs/\(id.lowercasedString)?done=\(requeue ? "requeued" : "discarded")")
    }

    struct ConfirmView {
        let admin: String
        let csrf: String
        /// Nil for "any" (an empty string would still open a Mustache section).
        let kind: String?
        let errorCode: String?
        let reason: String
        let count: Int
        let hasMatches: Bool
    }

    /// Bulk requeue of dead jobs by kind and error_code: the first post
    /// shows the dry run's count, the confirmed one requeues.
    func bulkRequeue(_ request: Request) async throws -> Response {
        let form = try await postedForm(request)
        let filter = try AdminRoutes.filter("dead", kind: form["kind"], errorCode: form["error_code"])
        let confirmed = form["confirm"] == "yes"
        let reason = form["reason"]
        guard let (visit, count) = try await visit(request, transaction: true, { visit, session in
            (visit, try JobAdmin.requeueMatching(filter, actor: visit.principal.userName, reason: reason, dryRun: !confirmed, in: session))
        }) else { return toLogin }
        guard confirmed else {
            let view = ConfirmView(admin: visit.principal.userName, csrf: visit.csrf, kind: form["kind"],
                                   errorCode: form["error_code"], reason: reason ?? "", count: count, hasMatches: count > 0)
            return HTMLResponse.page(try AdminTemplates.render(view, "confirm"))
        }
        if count > 0 { services.relayBell?.ring() }
        return HTMLResponse.redirect(to: "/admin/jobs?state=dead&kind=\(AdminFormat.query(form["kind"] ?? ""))"
            + "&error_code=\(AdminFormat.query(form["error_code"] ?? ""))&requeued=\(count)")
    }
}
