import DocketTesting
import Foundation
import Testing

@Suite struct MetricsTests {
    /// Requests by route template and status, uploads by outcome, and the
    /// ledger's queue depth, in one Prometheus scrape.
    @Test func aScrapeCountsRequestsUploadsAndQueuedJobs() async throws {
        let stack = try await APITestStack.start()
        let (key, _) = try await stack.key()
        let (document, _) = try await stack.uploadDocument(key: key, bytes: APITestStack.pdfBytes(700))
        _ = try await stack.json("GET", "/v1/documents/\(document)", key: key)
        _ = try await stack.json("GET", "/v1/documents/\(UUID())", key: key)
        let refused = try await stack.createUpload(key: key, size: 100).json()
        _ = try await stack.put(refused["upload_url"] as! String, [UInt8](repeating: 0x41, count: 100))

        let scrape = try await stack.client.send("GET", "/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers["content-type"]?.hasPrefix("text/plain") == true)
        let lines = Set(scrape.text.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"docket_http_requests_total{route="/v1/uploads",status="201"} 2"#), "\(scrape.text)")
        #expect(lines.contains(#"docket_http_requests_total{route="/v1/documents/{id}",status="200"} 1"#))
        #expect(lines.contains(#"docket_http_requests_total{route="/v1/documents/{id}",status="404"} 1"#))
        #expect(lines.contains(#"docket_uploads_total{outcome="ok"} 1"#))
        #expect(lines.contains(#"docket_uploads_total{outcome="unsupported_media_type"} 1"#))
        #expect(lines.contains(#"docket_queue_depth{kind="pdf.info",state="queued"} 1"#))
        #expect(lines.contains { $0.hasPrefix(#"docket_http_request_duration_seconds_bucket{route="/v1/uploads",le="#) })
        #expect(lines.contains("# TYPE docket_jobs_enqueued_total counter"))
        try await stack.stop()
    }
}
