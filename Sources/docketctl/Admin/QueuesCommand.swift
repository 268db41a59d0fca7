import ArgumentParser

/// `docketctl queues [--json]`: per kind, jobs ready, scheduled, running
/// and dead, and the totals processed and failed (`GET /v1/admin/queues`).
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queues", abstract: "Show each job kind's queue (admin API).")

    @OptionGroup var api: APIOptions
    @Flag(help: "Print the API's items as JSON.") var json = false

    func run() async throws {
        let items = try await api.client(.admin).items("/v1/admin/queues")
        if json { return try printJSON(items) }
        var table = TextTable("KIND", "READY", "SCHEDULED", "RUNNING", "DEAD", "PROCESSED", "FAILED")
        for item in items {
            func number(_ key: String) -> String { (item[key] as? Int).map(String.init) ?? "-" }
            table.append(item["kind"] as? String ?? "?", number("ready"), number("scheduled"), number("running"),
                         number("dead"), number("processed_total"), number("failed_total"))
        }
        print(table.rendered)
    }
}
