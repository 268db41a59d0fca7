import DocketCore
import Foundation
import Hummingbird
import NIOCore

/// `/health/live` (the process answers), `/health/ready` (Postgres and
/// Redis answer too), and `/openapi.yaml`, for load balancers, orchestrators
/// and client generators.
struct HealthRoutes {
    let services: APIServices

    struct Health: ResponseEncodable {
        let status: String
    }

    /// The OpenAPI document, shipped in the bundle (the top-level `openapi.yaml` links to it).
    static let openAPI: ByteBuffer? = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        .flatMap { try? Data(contentsOf: $0) }
        .map { ByteBuffer(bytes: $0) }

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
        router.get("openapi.yaml") { _, _ in
            guard let document = Self.openAPI else { throw DocketError(.internal, "openapi.yaml is missing from the bundle") }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: document))
        }
    }
}
