import DocketStore
import Hummingbird

/// `GET /v1/quota`: the caller's limit, usage and open reservations.
struct QuotaRoutes {
    let services: APIServices

    func register(on group: RouterGroup<APIContext>) {
        group.get("quota") { _, context in
            try await services.session(context) { principal, session in try Quota.read(userID: principal.userID, in: session) }
        }
    }
}
