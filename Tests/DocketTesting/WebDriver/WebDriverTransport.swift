import Foundation

/// The JSON layer of the WebDriver wire protocol, shared by the driver process (readiness,
/// shutdown) and its sessions.
///
/// Every response is `{"value": …}` and failures put `error`/`message` inside `value`;
/// unwrapping that in one place means callers see either the payload or a `WebDriverError`.
struct WebDriverTransport: Sendable {
    let http: LoopbackHTTPClient

    init(port: Int) { http = LoopbackHTTPClient(port: port) }

    /// Sends one command and returns its `value`.
    /// - Parameter timeout: idle timeout in seconds; generous by default because creating a
    ///   session launches Chromium, which can take several seconds on a loaded 2-core machine,
    ///   and async scripts may legitimately run up to their 30 s script timeout.
    func send(_ method: String, _ path: String, _ body: JSONValue? = nil, timeout: Int = 120) async throws -> JSONValue {
        let endpoint = "\(method) \(path)"
        // The spec requires a JSON object body on every POST, even parameterless ones.
        let payload = method == "POST" ? try JSONEncoder().encode(body ?? .object([:])) : nil
        let response = try await http.request(method: method, path: path, body: payload, timeout: timeout)
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: response.body)
        } catch {
            let text = String(decoding: response.body.prefix(300), as: UTF8.self)
            throw WebDriverError.malformedResponse(endpoint: endpoint, detail: "HTTP \(response.status): \(text)")
        }
        let value = json["value"] ?? .null
        if let code = value["error"]?.stringValue {
            throw WebDriverError.command(
                code: code, message: value["message"]?.stringValue ?? "", httpStatus: response.status,
                endpoint: endpoint, alertText: value["data"]?["text"]?.stringValue)
        }
        guard (200..<300).contains(response.status) else {
            throw WebDriverError.malformedResponse(
                endpoint: endpoint, detail: "HTTP \(response.status) without an error object")
        }
        return value
    }
}
