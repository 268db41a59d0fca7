import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where the admin commands reach docket-api: `--api-url` and `--admin-key`,
/// or `DOCKET_API_URL` and `DOCKET_ADMIN_KEY` (scripts/run's run.env sets both).
struct AdminAPIOptions: ParsableArguments {
    @Option(help: "docket-api's base URL (default: DOCKET_API_URL).")
    var apiURL: String?

    @Option(help: "An admin API key (default: DOCKET_ADMIN_KEY).")
    var adminKey: String?

    /// GETs `path` and returns the body; every failure is one clear line.
    func get(_ path: String) async throws -> Data {
        let environment = ProcessInfo.processInfo.environment
        guard let base = apiURL ?? environment["DOCKET_API_URL"], let url = URL(string: base + path), url.host != nil else {
            throw CommandFailure(message: "no API URL: pass --api-url or set DOCKET_API_URL (e.g. http://127.0.0.1:8080)")
        }
        guard let key = adminKey ?? environment["DOCKET_ADMIN_KEY"], !key.isEmpty else {
            throw CommandFailure(message: "no admin key: pass --admin-key or set DOCKET_ADMIN_KEY")
        }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await Self.send(request, base: base)
        guard (200..<300).contains(response.statusCode) else {
            let problem = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let code = problem?["error_code"] as? String ?? "HTTP \(response.statusCode)"
            let detail = problem?["detail"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self)
            throw CommandFailure(message: "GET \(path) answered \(response.statusCode) \(code): \(detail)")
        }
        return data
    }

    /// The `items` of a list response.
    func items(_ path: String) async throws -> [[String: Any]] {
        let data = try await get(path)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let items = object["items"] as? [[String: Any]]
        else { throw CommandFailure(message: "GET \(path) answered something that is not a list") }
        return items
    }

    private static func send(_ request: URLRequest, base: String) async throws -> (Data, HTTPURLResponse) {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: CommandFailure(message: "cannot reach docket-api at \(base): \(error.localizedDescription)"))
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: (data ?? Data(), response))
                } else {
                    continuation.resume(throwing: CommandFailure(message: "docket-api at \(base) gave no HTTP answer"))
                }
            }.resume()
        }
    }
}

/// Prints `items` as the API gave them (for scripts).
func printJSON(_ items: [[String: Any]]) throws {
    let data = try JSONSerialization.data(withJSONObject: items, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
