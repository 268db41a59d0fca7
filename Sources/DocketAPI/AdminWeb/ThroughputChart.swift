import Foundation
import JobQueue

/// The dashboard's "last hour" chart as inline SVG, drawn on the server so
/// it reads without JavaScript: one row per kind, one bar per minute,
/// succeeded below failed, each row scaled to its own busiest minute.
enum ThroughputChart {
    static let barWidth = 6
    static let rowHeight = 40
    static let labelWidth = 170

    static func svg(_ series: [JobThroughput]) -> String {
        guard !series.isEmpty else {
            return ##"<p class="empty">No job finished in the last hour.</p>"##
        }
        let minutes = series.first?.minutes.count ?? 60
        let width = labelWidth + minutes * barWidth + 90
        let height = series.count * rowHeight + 20
        var svg = ##"<svg class="chart" role="img" viewBox="0 0 \##(width) \##(height)" width="\##(width)" height="\##(height)" xmlns="http://www.w3.org/2000/svg">"##
        svg += "<title>Jobs finished per minute over the last hour, by kind</title>"
        for (row, kind) in series.enumerated() {
            let top = row * rowHeight + 4
            let base = top + rowHeight - 10
            let peak = max(kind.minutes.map { $0.succeeded + $0.failed }.max() ?? 0, 1)
            let done = kind.minutes.reduce(0) { $0 + $1.succeeded }
            let failed = kind.minutes.reduce(0) { $0 + $1.failed }
            svg += ##"<text x="0" y="\##(base - 8)" class="kind">\##(HTMLResponse.escape(kind.kind.rawValue))</text>"##
            svg += ##"<line x1="\##(labelWidth)" y1="\##(base)" x2="\##(labelWidth + minutes * barWidth)" y2="\##(base)" stroke="#ccc"/>"##
            for (index, minute) in kind.minutes.enumerated() {
                let x = labelWidth + index * barWidth
                let scale = Double(rowHeight - 14) / Double(peak)
                let good = Int((Double(minute.succeeded) * scale).rounded(.up))
                let bad = Int((Double(minute.failed) * scale).rounded(.up))
                if good > 0 { svg += ##"<rect x="\##(x)" y="\##(base - good)" width="\##(barWidth - 1)" height="\##(good)" fill="#2e7d32"/>"## }
                if bad > 0 { svg += ##"<rect x="\##(x)" y="\##(base - good - bad)" width="\##(barWidth - 1)" height="\##(bad)" fill="#c62828"/>"## }
            }
            let summary = "\(done) ok" + (failed > 0 ? ", \(failed) failed" : "")
            svg += ##"<text x="\##(labelWidth + minutes * barWidth + 6)" y="\##(base - 8)" class="total">\##(summary)</text>"##
        }
        svg += ##"<text x="\##(labelWidth)" y="\##(height - 2)" class="axis">60 min ago</text>"##
        svg += ##"<text x="\##(labelWidth + minutes * barWidth)" y="\##(height - 2)" class="axis" text-anchor="end">now</text>"##
        return svg + "</svg>"
    }
}
