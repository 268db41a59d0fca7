import ArgumentParser
import Foundation

/// `docketctl jobs show ID`: the job, every attempt and every admin event
/// (`GET /v1/admin/jobs/{id}`).
struct JobsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a job with its attempts and events (admin API).")

    @OptionGroup var api: APIOptions
    @Argument(help: "The job's id.") var id: String
    @Flag(help: "Print the API's answer as JSON.") var json = false

    func run() async throws {
        let job = try await api.client(.admin).object("GET", "/v1/admin/jobs/\(try JobID.checked(id))")
        if json { return try printJSON(job) }
        print(Self.render(job))
    }

    /// The job as a short report: facts, then attempts, then events.
    static func render(_ job: DocketAPIClient.JSONObject) -> String {
        func text(_ key: String) -> String {
            switch job[key] {
            case let value as String: value
            case let value as Int: String(value)
            default: "-"
            }
        }
        var lines = ["id:        \(text("id"))", "kind:      \(text("kind"))", "state:     \(text("state"))",
                     "attempt:   \(text("attempt"))/\(text("max_attempts"))", "document:  \(text("document_id"))"]
        if job["error_code"] is String { lines.append("error:     \(text("error_code")): \(text("error_message"))") }
        if let progress = job["progress"] as? DocketAPIClient.JSONObject, let done = progress["done"] as? Int, let total = progress["total"] as? Int {
            lines.append("progress:  \(done)/\(total)")
        }
        let attempts = job["attempts"] as? [DocketAPIClient.JSONObject] ?? []
        if !attempts.isEmpty {
            var table = TextTable("#", "WORKER", "STARTED", "FINISHED", "OUTCOME", "ERROR")
            for attempt in attempts {
                let error = [attempt["error_code"] as? String, attempt["message"] as? String].compactMap { $0 }.joined(separator: ": ")
                table.append(String(attempt["number"] as? Int ?? 0), attempt["worker"] as? String ?? "?", attempt["started_at"] as? String ?? "-",
                             attempt["finished_at"] as? String ?? "-", attempt["outcome"] as? String ?? "?", error.isEmpty ? "-" : error)
            }
            lines += ["", "attempts:", table.rendered]
        }
        let events = job["events"] as? [DocketAPIClient.JSONObject] ?? []
        if !events.isEmpty {
            var table = TextTable("AT", "ACTION", "ACTOR", "REASON")
            for event in events {
                table.append(event["at"] as? String ?? "-", event["action"] as? String ?? "?", event["actor"] as? String ?? "?",
                             event["reason"] as? String ?? "-")
            }
            lines += ["", "events:", table.rendered]
        }
        return lines.joined(separator: "\n")
    }
}

/// A job id checked before it goes into a URL path.
enum JobID {
    static func checked(_ text: String) throws -> String {
        guard let id = UUID(uuidString: text) else { throw CommandFailure(message: "\(text) is not a job id (a UUID)") }
        return id.uuidString.lowercased()
    }
}
