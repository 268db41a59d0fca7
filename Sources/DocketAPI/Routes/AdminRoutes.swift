import DocketStore
import Foundation
import Hummingbird
import JobQueue

/// The admin routes of CONTRACT.md §2 (more come with issue 7): an admin
/// key only; a client key is `forbidden`.
struct AdminRoutes {
    let services: APIServices

    struct Queue: Codable, Sendable {
        let kind: String
        let ready: Int
        let scheduled: Int
        let running: Int
        let dead: Int
        let processedTotal: Int
        let failedTotal: Int
    }

    func register(on group: RouterGroup<APIContext>) {
        group.get("admin/queues") { _, context in
            // The key is checked first: a client key learns nothing.
            _ = try await services.session(context, role: .admin) { principal, _ in principal }
            let queues = try await QueueOverview.read(postgres: services.postgres, redis: services.redis)
            return ListPage(items: queues.map {
                Queue(kind: $0.kind.rawValue, ready: $0.ready, scheduled: $0.scheduled, running: $0.running,
                      dead: $0.dead, processedTotal: $0.processedTotal, failedTotal: $0.failedTotal)
            }, nextAfter: nil)
        }
    }
}
