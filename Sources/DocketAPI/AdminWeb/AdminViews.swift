import DocketCore
import Foundation
import JobQueue
import UUIDText

/// What the dashboard's templates show beyond the admin API's own bodies
/// (`AdminJob`, `AdminJobDetail`, `DocumentBody`, which the pages render
/// as they are): rows with links and relative times worked out, since the
/// templates are logic-less. Every value reaches the page HTML-escaped.
enum AdminViews {
    struct QueueRow {
        let kind: String
        let ready: Int
        let scheduled: Int
        let running: Int
        let dead: Int
        let processed: Int
        let failed: Int
        let deadLink: String
        let hasDead: Bool

        init(_ queue: QueueOverview) {
            kind = queue.kind.rawValue
            ready = queue.ready
            scheduled = queue.scheduled
            running = queue.running
            dead = queue.dead
            processed = queue.processedTotal
            failed = queue.failedTotal
            deadLink = "/admin/jobs?state=dead&kind=" + AdminFormat.query(queue.kind.rawValue)
            hasDead = queue.dead > 0
        }
    }

    struct Worker {
        struct Running { let id: String }
        let id: String
        let executable: String
        let host: String
        let pid: Int
        let kinds: String
        let concurrency: Int
        let running: [Running]
        let heartbeat: String

        init(_ record: WorkerRecord, now: Date) {
            id = record.id
            executable = record.executable
            host = record.host
            pid = record.pid
            kinds = record.kinds.joined(separator: ", ")
            concurrency = record.concurrency
            running = record.running.map { Running(id: $0) }
            heartbeat = AdminFormat.ago(record.heartbeat, now: now)
        }
    }
}

/// Relative times and URL pieces as the pages print them.
enum AdminFormat {
    static func ago(_ date: Date, now: Date) -> String {
        let seconds = max(Int(now.timeIntervalSince(date)), 0)
        return seconds < 120 ? "\(seconds) s ago" : "\(seconds / 60) min ago"
    }

    static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
