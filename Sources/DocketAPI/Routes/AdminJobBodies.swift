import DocketCore
import Foundation
import Hummingbird
import JobQueue
import UUIDText

/// A job as the admin routes show it (CONTRACT.md §2).
struct AdminJob: Codable, Sendable {
    let id: String
    let kind: String
    let state: String
    let attempt: Int
    let maxAttempts: Int
    let documentId: String?
    let errorCode: String?
    let errorMessage: String?
    let createdAt: Date
    let finishedAt: Date?
    let progress: JobProgress?

    init(_ job: JobSummary) {
        id = job.id.lowercasedString
        kind = job.kind.rawValue
        state = job.state.rawValue
        attempt = job.attempt
        maxAttempts = job.maxAttempts
        documentId = job.documentID?.lowercasedString
        errorCode = job.errorCode
        errorMessage = job.errorMessage
        createdAt = job.createdAt
        finishedAt = job.finishedAt
        progress = job.reportedProgress
    }

    /// Writes absent facts as null.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(state, forKey: .state)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(documentId, forKey: .documentId)
        try c.encode(errorCode, forKey: .errorCode)
        try c.encode(errorMessage, forKey: .errorMessage)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(progress, forKey: .progress)
    }
}

/// `GET /v1/admin/jobs/{id}`: the job, every attempt and every admin event.
struct AdminJobDetail: ResponseEncodable {
    struct Attempt: Codable, Sendable {
        let number: Int
        let worker: String
        let startedAt: Date
        let finishedAt: Date
        let outcome: String
        let errorCode: String?
        let message: String?
    }

    struct Event: Codable, Sendable {
        let action: String
        let actor: String
        let reason: String?
        let at: Date
    }

    let job: AdminJob
    let attempts: [Attempt]
    let events: [Event]

    init(_ detail: JobDetail) {
        job = AdminJob(detail.summary)
        attempts = detail.attempts.map {
            Attempt(number: $0.number, worker: $0.worker, startedAt: $0.startedAt, finishedAt: $0.finishedAt,
                    outcome: $0.outcome, errorCode: $0.errorCode, message: $0.message)
        }
        events = detail.events.map { Event(action: $0.action, actor: $0.actor, reason: $0.reason, at: $0.at) }
    }

    /// The job's fields, then `attempts` and `events`, in one object.
    func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(events, forKey: .events)
    }

    enum CodingKeys: String, CodingKey {
        case attempts, events
    }
}

struct AdminReason: Decodable {
    var reason: String?
}

struct BulkRequeue: Decodable {
    var state: String?
    var kind: String?
    var errorCode: String?
    var dryRun: Bool?
    var reason: String?
}

struct BulkRequeued: ResponseEncodable {
    let requeued: Int
    let dryRun: Bool
}

/// `GET /v1/admin/workers`: one live worker process.
struct AdminWorker: Codable, Sendable {
    let id: String
    let host: String
    let pid: Int
    let executable: String
    let kinds: [String]
    let concurrency: Int
    let runningJobs: [String]
    let lastHeartbeat: Date

    init(_ worker: WorkerRecord) {
        id = worker.id
        host = worker.host
        pid = worker.pid
        executable = worker.executable
        kinds = worker.kinds
        concurrency = worker.concurrency
        runningJobs = worker.running
        lastHeartbeat = worker.heartbeat
    }
}
