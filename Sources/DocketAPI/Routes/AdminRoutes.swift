import DocketCore
import DocketStore
import Foundation
import Hummingbird
import JobQueue
import UUIDText

/// The admin routes of CONTRACT.md §2 (more come with issue 7): an admin
/// key only; a client key is `forbidden`.
struct AdminRoutes {
    let services: APIServices

    func register(on group: RouterGroup<APIContext>) {
        group.get("admin/jobs", use: listJobs)
        group.get("admin/jobs/:id", use: showJob)
        group.post("admin/jobs/:id/requeue") { try await act($0, $1, requeue: true) }
        group.post("admin/jobs/:id/discard") { try await act($0, $1, requeue: false) }
        group.post("admin/jobs/requeue", use: requeueMatching)
        group.get("admin/workers", use: listWorkers)
        group.get("admin/queues") { _, context in
            // The key and the ledger's counts in one Postgres hop; a client key learns nothing.
            let depth = try await services.session(context, role: .admin) { _, session in try JobLedger.depth(in: session) }
            return ListPage(items: await QueueOverview.read(depth: depth, redis: services.redis), nextAfter: nil)
        }
    }

    /// Jobs from the ledger, oldest first, filtered by state, kind and error_code.
    @Sendable func listJobs(_ request: Request, context: APIContext) async throws -> ListPage<AdminJob> {
        let (after, limit) = try Paging.read(request)
        let filter = try Self.filter(request.uri.queryParameters["state"].map(String.init),
                                     kind: request.uri.queryParameters["kind"].map(String.init),
                                     errorCode: request.uri.queryParameters["error_code"].map(String.init))
        let page = try await services.session(context, role: .admin) { _, session in
            try JobAdmin.list(filter, after: after, limit: limit, in: session)
        }
        return ListPage(items: page.items.map(AdminJob.init), nextAfter: page.nextAfter?.lowercasedString)
    }

    @Sendable func showJob(_ request: Request, context: APIContext) async throws -> AdminJobDetail {
        let id = try UploadRoutes.id(context)
        guard let detail = try await services.session(context, role: .admin, { _, session in
            try JobAdmin.detail(of: id, in: session)
        }) else { throw DocketError(.notFound, "no such job") }
        return AdminJobDetail(detail)
    }

    /// Requeue (a dead job) or discard (a dead or queued one), recording
    /// the admin and the reason; another state is `conflict`.
    @Sendable func act(_ request: Request, _ context: APIContext, requeue: Bool) async throws -> AdminJobDetail {
        let id = try UploadRoutes.id(context)
        let raw = try await request.jsonBody()
        let detail = try await services.transaction(context, role: .admin) { principal, session -> JobDetail in
            let reason = try APIJSON.decode(AdminReason.self, from: raw).reason
            let result = requeue
                ? try JobAdmin.requeue(id, actor: principal.userName, reason: reason, in: session)
                : try JobAdmin.discard(id, actor: principal.userName, reason: reason, in: session)
            switch result {
            case .done: break
            case .notFound: throw DocketError(.notFound, "no such job")
            case .conflict(let state):
                throw DocketError(.conflict, "a \(state.rawValue) job cannot be \(requeue ? "requeued" : "discarded")")
            }
            guard let detail = try JobAdmin.detail(of: id, in: session) else { throw DocketError(.notFound, "no such job") }
            return detail
        }
        if requeue { services.relayBell?.ring() }
        return AdminJobDetail(detail)
    }

    /// Requeues every dead job matching kind and error_code; `dry_run`
    /// counts them and changes nothing.
    @Sendable func requeueMatching(_ request: Request, context: APIContext) async throws -> BulkRequeued {
        let raw = try await request.jsonBody()
        let answer = try await services.transaction(context, role: .admin) { principal, session -> BulkRequeued in
            let asked = try APIJSON.decode(BulkRequeue.self, from: raw)
            guard (asked.state ?? "dead") == "dead" else { throw DocketError(.invalidInput, "only dead jobs are requeued: state must be dead") }
            let filter = try Self.filter("dead", kind: asked.kind, errorCode: asked.errorCode)
            let count = try JobAdmin.requeueMatching(
                filter, actor: principal.userName, reason: asked.reason, dryRun: asked.dryRun ?? false, in: session
            )
            return BulkRequeued(requeued: count, dryRun: asked.dryRun ?? false)
        }
        if !answer.dryRun, answer.requeued > 0 { services.relayBell?.ring() }
        return answer
    }

    static func filter(_ state: String?, kind: String?, errorCode: String?) throws -> JobFilter {
        var parsed: JobState?
        if let state, !state.isEmpty {
            guard let known = JobState(rawValue: state) else { throw DocketError(.invalidInput, "state must be one of queued, running, retrying, succeeded, dead, discarded") }
            parsed = known
        }
        return JobFilter(
            state: parsed, kind: kind.flatMap { $0.isEmpty ? nil : JobKind($0) }, errorCode: errorCode.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// Live workers from the registry in Redis, with the jobs they hold.
    @Sendable func listWorkers(_ request: Request, context: APIContext) async throws -> ListPage<AdminWorker> {
        _ = try await services.session(context, role: .admin) { principal, _ in principal }
        let workers: [WorkerRecord]
        do {
            workers = try await services.redis.withSession { try WorkerRegistry.list(in: $0) }
        } catch {
            throw DocketError(.unavailable, "Redis, which holds the worker registry, is unreachable", logDetail: "\(error)")
        }
        return ListPage(items: workers.map(AdminWorker.init), nextAfter: nil)
    }
}
