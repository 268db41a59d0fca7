import Prometheus
import Synchronization

/// docket-api's own figures (CONTRACT.md §5), per process:
/// `docket_http_requests_total{route,status}`,
/// `docket_http_request_duration_seconds{route}` and
/// `docket_uploads_total{outcome}`. The route is the matched template
/// (`/v1/documents/{id}`), never the raw path, so the label set stays small.
public final class APIMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The registry's handles by label values: looking one up in the
    /// registry (label checks, help text, its lock) cost 3% of token issue.
    private let counters = Mutex<[String: Counter]>([:])
    private let histograms = Mutex<[String: DurationHistogram]>([:])

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "docket", metricName: "http_requests", unitName: "total",
            helpText: "HTTP requests answered, by route template and status."
        )
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "docket", metricName: "http_request_duration", unitName: "seconds",
            helpText: "Time from request head to response, by route template."
        )
    }
    static var uploads: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "docket", metricName: "uploads", unitName: "total",
            helpText: "Upload bodies received, by outcome: ok or the error_code that ended them."
        )
    }
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]

    public init() {}

    func recordRequest(route: String, status: Int, duration: Duration) {
        let counter = counters.withLock { counters in
            let key = "\(status) \(route)"
            if let known = counters[key] { return known }
            let made = registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("status", String(status))])
            counters[key] = made
            return made
        }
        counter.increment()
        let histogram = histograms.withLock { histograms in
            if let known = histograms[route] { return known }
            let made = registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route)], buckets: Self.buckets)
            histograms[route] = made
            return made
        }
        histogram.record(duration)
    }

    func recordUpload(outcome: String) {
        registry.makeCounter(descriptor: Self.uploads, labels: [("outcome", outcome)]).increment()
    }

    /// The Prometheus text of these figures.
    func render() -> [UInt8] { registry.emitToBuffer() }
}
