import DocketCore
import Foundation
import JobQueue
import UUIDText

/// What the dashboard's templates show, already formatted: the templates
/// stay logic-less and every value reaches the page HTML-escaped.
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

    struct JobRow {
        let id: String
        let kind: String
        let state: String
        let attempt: String
        let errorCode: String?
        let errorMessage: String?
        let documentID: String?
        let created: String
        let finished: String?
        let progress: String?
        let canRequeue: Bool
        let canDiscard: Bool

        init(_ job: JobSummary) {
            id = job.id.lowercasedString
            kind = job.kind.rawValue
            state = job.state.rawValue
            attempt = "\(job.attempt)/\(job.maxAttempts)"
            errorCode = job.errorCode
            errorMessage = job.errorMessage
            documentID = job.documentID?.lowercasedString
            created = AdminFormat.time(job.createdAt)
            finished = job.finishedAt.map(AdminFormat.time)
            progress = job.reportedProgress.map { "\($0.done) of \($0.total)" }
            canRequeue = job.state == .dead
            canDiscard = job.state == .dead || job.state == .queued
        }
    }

    struct Attempt {
        let number: Int
        let worker: String
        let started: String
        let finished: String
        let outcome: String
        let errorCode: String?
        let message: String?
    }

    struct Event {
        let action: String
        let actor: String
        let reason: String?
        let at: String
    }

    static func attempts(_ detail: JobDetail) -> [Attempt] {
        detail.attempts.map {
            Attempt(number: $0.number, worker: $0.worker, started: AdminFormat.time($0.startedAt),
                    finished: AdminFormat.time($0.finishedAt), outcome: $0.outcome, errorCode: $0.errorCode, message: $0.message)
        }
    }

    static func events(_ detail: JobDetail) -> [Event] {
        detail.events.map { Event(action: $0.action, actor: $0.actor, reason: $0.reason, at: AdminFormat.time($0.at)) }
    }
}

/// Dates and URL pieces as the pages print them.
enum AdminFormat {
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false))
    }

    static func ago(_ date: Date, now: Date) -> String {
        let seconds = max(Int(now.timeIntervalSince(date)), 0)
        return seconds < 120 ? "\(seconds) s ago" : "\(seconds / 60) min ago"
    }

    static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}
