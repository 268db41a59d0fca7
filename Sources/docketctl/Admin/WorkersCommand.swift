import ArgumentParser

/// `docketctl workers [--json]`: the live worker processes, their kinds and
/// the jobs they hold (`GET /v1/admin/workers`).
struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workers", abstract: "List live worker processes (admin API).")

    @OptionGroup var api: APIOptions
    @Flag(help: "Print the API's items as JSON.") var json = false

    func run() async throws {
        let items = try await api.client(.admin).items("/v1/admin/workers")
        if json { return try printJSON(items) }
        var table = TextTable("ID", "EXECUTABLE", "KINDS", "CONCURRENCY", "RUNNING", "LAST HEARTBEAT")
        for item in items {
            table.append(
                item["id"] as? String ?? "?", item["executable"] as? String ?? "?",
                (item["kinds"] as? [String] ?? []).joined(separator: ","), (item["concurrency"] as? Int).map(String.init) ?? "-",
                String((item["running_jobs"] as? [Any])?.count ?? 0), item["last_heartbeat"] as? String ?? "-"
            )
        }
        print(table.rendered)
    }
}
