@testable import DocketAPI
import DocketCore
@testable import JobQueue
import Testing

/// The dashboard's last-hour chart, drawn as SVG on the server.
@Suite struct ThroughputChartTests {
    @Test func theChartDrawsABarPerBusyMinuteAndEscapesKinds() {
        let minutes = (0..<60).map { JobThroughput.Minute(minute: 1000 + $0, succeeded: $0 == 59 ? 4 : 0, failed: $0 == 58 ? 1 : 0) }
        let svg = ThroughputChart.svg([JobThroughput(kind: JobKind("a<b"), minutes: minutes)])
        #expect(svg.contains("a&lt;b") && !svg.contains("a<b"))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 2)
        #expect(svg.contains("4 ok, 1 failed"))
    }
}
