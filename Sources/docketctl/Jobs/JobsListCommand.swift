import ArgumentParser
import Foundation

/// `docketctl jobs list`: jobs from the ledger, filtered and keyset-paged
/// (`GET /v1/admin/jobs`). The next page's `--after` goes to stderr, so
/// stdout stays a clean table or JSON.
struct JobsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs by state, kind and error code (admin API).")

    @OptionGroup var api: APIOptions
    @Option(help: "queued, running, retrying, succeeded, dead or discarded.") var state: String?
    @Option(help: "A job kind, e.g. pdf.info.") var kind: String?
    @Option(help: "Only jobs whose last error has this error_code.") var errorCode: String?
    @Option(help: "Start after this job id (a previous page's next id).") var after: String?
    @Option(help: "Jobs per page, 1 to 200.") var limit = 50
    @Flag(help: "Follow the pages to the end instead of printing one.") var all = false
    @Flag(help: "Print the API's items as JSON.") var json = false

    func run() async throws {
        let client = try api.client(.admin)
        var after = self.after
        var items: [DocketAPIClient.JSONObject] = []
        repeat {
            var query = URLComponents()
            query.queryItems = [("state", state), ("kind", kind), ("error_code", errorCode), ("after", after), ("limit", String(limit))]
                .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
            let page = try await client.object("GET", "/v1/admin/jobs?" + (query.percentEncodedQuery ?? ""))
            items += page["items"] as? [DocketAPIClient.JSONObject] ?? []
            after = page["next_after"] as? String
        } while all && after != nil
        if json { try printJSON(items) } else { print(Self.table(items).rendered) }
        if let after { FileHandle.standardError.write(Data("more: --after \(after)\n".utf8)) }
    }

    static func table(_ items: [DocketAPIClient.JSONObject]) -> TextTable {
        var table = TextTable("ID", "KIND", "STATE", "ATTEMPT", "ERROR", "DOCUMENT", "CREATED")
        for job in items {
            table.append(
                job["id"] as? String ?? "?", job["kind"] as? String ?? "?", job["state"] as? String ?? "?",
                "\(job["attempt"] as? Int ?? 0)/\(job["max_attempts"] as? Int ?? 0)",
                job["error_code"] as? String ?? "-", job["document_id"] as? String ?? "-", job["created_at"] as? String ?? "-"
            )
        }
        return table
    }
}
