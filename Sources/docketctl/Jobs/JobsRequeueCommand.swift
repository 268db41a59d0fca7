import ArgumentParser
import Foundation

/// `docketctl jobs requeue ID…` puts dead jobs back in their queue with
/// fresh attempts; `docketctl jobs requeue --all-dead [--kind K]
/// [--error-code C] [--dry-run]` does it by filter, the dry run counting
/// first. The admin and the reason are kept in the job's events.
struct JobsRequeueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "requeue", abstract: "Requeue dead jobs, one by id or all that match (admin API).")

    @OptionGroup var api: APIOptions
    @Argument(help: "Dead jobs' ids.") var ids: [String] = []
    @Flag(help: "Every dead job matching --kind and --error-code instead of ids.") var allDead = false
    @Option(help: "With --all-dead: only this kind.") var kind: String?
    @Option(help: "With --all-dead: only jobs that died with this error_code.") var errorCode: String?
    @Flag(help: "With --all-dead: count what would be requeued, change nothing.") var dryRun = false
    @Option(help: "Why, kept in the job's events.") var reason: String?
    @Flag(help: "Print the API's answers as JSON.") var json = false

    func validate() throws {
        if allDead == !ids.isEmpty { throw ValidationError("give job ids or --all-dead, not both or neither") }
        if !allDead, kind != nil || errorCode != nil || dryRun { throw ValidationError("--kind, --error-code and --dry-run go with --all-dead") }
    }

    func run() async throws {
        let client = try api.client(.admin)
        if allDead {
            var body: DocketAPIClient.JSONObject = ["state": "dead", "dry_run": dryRun]
            body["kind"] = kind
            body["error_code"] = errorCode
            body["reason"] = reason
            let answer = try await client.object("POST", "/v1/admin/jobs/requeue", body: body)
            if json { return try printJSON(answer) }
            let count = answer["requeued"] as? Int ?? 0
            print(dryRun ? "\(count) dead job(s) would be requeued (dry run: nothing changed)" : "requeued \(count) dead job(s)")
            return
        }
        try await JobAction.apply("requeue", to: ids, reason: reason, json: json, client: client)
    }
}
