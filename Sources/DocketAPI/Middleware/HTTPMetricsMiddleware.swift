import Hummingbird

/// Counts every answer, problem responses included (it sits outside
/// `ProblemMiddleware`), by the route template the router matched.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let metrics: APIMetrics

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            route: context.endpointPath ?? "unmatched", status: response.status.code, duration: .now - started
        )
        return response
    }
}
