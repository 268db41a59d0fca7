import Hummingbird
import JobQueue
import NIOCore

/// `GET /metrics`: Prometheus text. This process's HTTP and upload figures,
/// then the job figures of the whole deployment (the totals every worker
/// adds to Redis, and the ledger's queue depth), so one scrape of any API
/// replica covers the jobs. A server that is down leaves its part out; the
/// scrape itself never fails.
struct MetricsRoutes {
    let services: APIServices

    func register(on router: Router<APIContext>) {
        router.get("metrics") { _, context in
            var text = services.metrics.render()
            let totals = try? await services.redis.withSession { (try JobStats.read(in: $0), try SweepStats.read(in: $0)) }
            let stats = totals?.0
            let depth = try? await services.postgres.withSession { try JobLedger.depth(in: $0) }
            if stats == nil || depth == nil {
                context.logger.notice("metrics without job figures: Redis or Postgres is unreachable")
            }
            text += Array(JobMetricsText.render(stats ?? JobStatsSnapshot(), depth: depth ?? []).utf8)
            text += Array(SweepStats.render(totals?.1 ?? [:]).utf8)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text))
            )
        }
    }
}
