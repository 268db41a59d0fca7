import ArgumentParser
import Foundation

/// `docketctl jobs discard ID…`: dead or queued jobs → discarded.
struct JobsDiscardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "discard", abstract: "Discard dead or queued jobs (admin API).")

    @OptionGroup var api: APIOptions
    @Argument(help: "The jobs' ids.") var ids: [String]
    @Option(help: "Why, kept in the job's events.") var reason: String?
    @Flag(help: "Print the API's answers as JSON.") var json = false

    func run() async throws {
        try await JobAction.apply("discard", to: ids, reason: reason, json: json, client: try api.client(.admin))
    }
}

/// One admin action per id, in order; the first refusal stops the run
/// with its one line (the jobs before it stay done).
enum JobAction {
    static func apply(_ action: String, to ids: [String], reason: String?, json: Bool, client: DocketAPIClient) async throws {
        let checked = try ids.map(JobID.checked)
        var body: DocketAPIClient.JSONObject = [:]
        body["reason"] = reason
        var answers: [DocketAPIClient.JSONObject] = []
        for id in checked {
            let job = try await client.object("POST", "/v1/admin/jobs/\(id)/\(action)", body: body)
            answers.append(job)
            if !json { print("\(action == "requeue" ? "requeued" : "discarded") \(id) (\(job["kind"] as? String ?? "?")): now \(job["state"] as? String ?? "?")") }
        }
        if json { try printJSON(answers) }
    }
}
