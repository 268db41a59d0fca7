import DocketCore
import Hummingbird

/// `/health/live` (the process answers) and `/health/ready` (Postgres and
/// Redis answer too), for load balancers and orchestrators.
struct HealthRoutes {
    let services: APIServices

    struct Health: ResponseEncodable {
        let status: String
    }

    func register(on router: Router<APIContext>) {
        router.get("health/live") { _, _ in Health(status: "ok") }
        router.get("health/ready") { _, _ in
            do {
                _ = try await services.postgres.query("SELECT 1")
            } catch {
                throw DocketError(.unavailable, "Postgres is unreachable", logDetail: "\(error)")
            }
            do {
                _ = try await services.redis.send("PING")
            } catch {
                throw DocketError(.unavailable, "Redis is unreachable", logDetail: "\(error)")
            }
            return Health(status: "ready")
        }
    }
}
