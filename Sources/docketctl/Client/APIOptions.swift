import ArgumentParser
import Foundation

/// Where the API commands reach docket-api: `--api-url` / `DOCKET_API_URL`,
/// and `--api-key` / `DOCKET_API_KEY`. Without `DOCKET_API_KEY` the key of
/// the command's role from scripts/run's run.env is used
/// (`DOCKET_ADMIN_KEY` for admin commands, `DOCKET_CLIENT_KEY` for uploads),
/// so `set -a; . .docket/run.env` is all an operator needs.
struct APIOptions: ParsableArguments {
    @Option(help: "docket-api's base URL (default: DOCKET_API_URL).")
    var apiURL: String?

    @Option(help: "An API key (default: DOCKET_API_KEY, else DOCKET_ADMIN_KEY or DOCKET_CLIENT_KEY by command).")
    var apiKey: String?

    enum Role: String {
        case admin, client
        var fallbackVariable: String { self == .admin ? "DOCKET_ADMIN_KEY" : "DOCKET_CLIENT_KEY" }
    }

    /// A client for `role`; a missing URL or key is one clear line.
    func client(_ role: Role) throws -> DocketAPIClient {
        let environment = ProcessInfo.processInfo.environment
        guard let base = apiURL ?? environment["DOCKET_API_URL"], !base.isEmpty else {
            throw CommandFailure(message: "no API URL: pass --api-url or set DOCKET_API_URL (e.g. http://127.0.0.1:8080)")
        }
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard let url = URL(string: trimmed), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw CommandFailure(message: "the API URL \(base) is not an http(s) URL")
        }
        let key = apiKey ?? environment["DOCKET_API_KEY"] ?? environment[role.fallbackVariable]
        guard let key, !key.isEmpty else {
            throw CommandFailure(message: "no \(role.rawValue) key: pass --api-key or set DOCKET_API_KEY (or \(role.fallbackVariable))")
        }
        return DocketAPIClient(base: trimmed, key: key)
    }
}
