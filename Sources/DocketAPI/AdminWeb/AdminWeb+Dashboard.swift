import DocketCore
import Foundation
import Hummingbird
import JobQueue

extension AdminWeb {
    /// The parts of the dashboard that admin.js refreshes, rendered by the
    /// same templates as the first page load.
    struct LiveParts: Sendable {
        let queues: String
        let chart: String
        let workers: String
        let kinds: [String]
    }

    struct DashboardView {
        let admin: String
        let csrf: String
        let live: LiveParts
        let dead: [AdminJob]
        let kinds: [String]
    }

    func dashboard(_ request: Request) async throws -> Response {
        guard let (visit, depth, dead) = try await visit(request, { visit, session in
            (visit, try JobLedger.depth(in: session),
             try JobAdmin.list(JobFilter(state: .dead), after: nil, limit: 10, newestFirst: true, in: session).items)
        }) else { return toLogin }
        let live = try await liveParts(depth)
        let view = DashboardView(admin: visit.principal.userName, csrf: visit.csrf, live: live, dead: dead.map(AdminJob.init), kinds: live.kinds)
        return HTMLResponse.page(try AdminTemplates.render(view, "dashboard"))
    }

    /// `GET /admin/live`: the refreshed parts as JSON of HTML strings.
    func live(_ request: Request) async throws -> Response {
        guard let depth = try await visit(request, { _, session in try JobLedger.depth(in: session) }) else {
            throw DocketError(.unauthorized, "the session has ended: log in again")
        }
        let parts = try await liveParts(depth)
        let body = try JSONSerialization.data(withJSONObject: ["queues": parts.queues, "chart": parts.chart, "workers": parts.workers])
        var headers = HTMLResponse.securityHeaders
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    func liveParts(_ depth: [QueueDepth]) async throws -> LiveParts {
        struct QueuesView { let queues: [AdminViews.QueueRow] }
        struct WorkersView { let workers: [AdminViews.Worker]; let redisDown: Bool }
        let queues = await QueueOverview.read(depth: depth, redis: services.redis)
        let fromRedis = try? await services.redis.withSession { session in
            (try JobThroughput.read(in: session), try WorkerRegistry.list(in: session))
        }
        let now = Date()
        return LiveParts(
            queues: try AdminTemplates.render(QueuesView(queues: queues.map(AdminViews.QueueRow.init)), "queues"),
            chart: fromRedis == nil ? #"<p class="empty">Redis is unreachable: no throughput to show.</p>"#
                : ThroughputChart.svg(fromRedis?.0 ?? []),
            workers: try AdminTemplates.render(
                WorkersView(workers: (fromRedis?.1 ?? []).map { AdminViews.Worker($0, now: now) }, redisDown: fromRedis == nil), "workers"
            ),
            kinds: queues.map(\.kind.rawValue)
        )
    }
}
