import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// docket-api over HTTP for docketctl: JSON in and out, and every failure
/// (unreachable, refused, a problem+json answer) as one `CommandFailure`
/// line naming the route, the status and the `error_code`.
struct DocketAPIClient: Sendable {
    let base: String
    let key: String

    typealias JSONObject = [String: Any]

    /// `method path` with an optional JSON body; a non-2xx answer throws.
    @discardableResult
    func call(_ method: String, _ path: String, body: JSONObject? = nil) async throws -> Data {
        guard let url = URL(string: base + path) else { throw CommandFailure(message: "bad path \(path)") }
        var request = URLRequest(url: url, timeoutInterval: 60)
        request.httpMethod = method
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await send(request)
        try Self.check(response, data, what: "\(method) \(path)")
        return data
    }

    /// The answer of `call` as a JSON object.
    func object(_ method: String, _ path: String, body: JSONObject? = nil) async throws -> JSONObject {
        let data = try await call(method, path, body: body)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? JSONObject else {
            throw CommandFailure(message: "\(method) \(path) answered something that is not a JSON object")
        }
        return object
    }

    /// The `items` of a list response.
    func items(_ path: String) async throws -> [JSONObject] {
        guard let items = try await object("GET", path)["items"] as? [JSONObject] else {
            throw CommandFailure(message: "GET \(path) answered something that is not a list")
        }
        return items
    }

    /// Sends `request`; transport failures become one line.
    func send(_ request: URLRequest, delegate: (any URLSessionTaskDelegate)? = nil) async throws -> (Data, HTTPURLResponse) {
        let session = delegate.map { URLSession(configuration: .default, delegate: $0, delegateQueue: nil) } ?? URLSession.shared
        defer { if delegate != nil { session.finishTasksAndInvalidate() } }
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
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

    /// A non-2xx answer as one line: `what answered 409 conflict: detail`.
    static func check(_ response: HTTPURLResponse, _ data: Data, what: String) throws {
        guard !(200..<300).contains(response.statusCode) else { return }
        let problem = (try? JSONSerialization.jsonObject(with: data)) as? JSONObject
        let code = problem?["error_code"] as? String ?? "HTTP \(response.statusCode)"
        let detail = problem?["detail"] as? String ?? problem?["title"] as? String
            ?? String(decoding: data.prefix(200), as: UTF8.self)
        throw CommandFailure(message: "\(what) answered \(response.statusCode) \(code): \(detail)")
    }
}

/// Prints `value` (items or one object) as JSON, for scripts.
func printJSON(_ value: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
