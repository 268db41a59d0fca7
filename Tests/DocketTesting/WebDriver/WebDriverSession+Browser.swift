import Foundation

/// Page-level capabilities: scripts, screenshots, dialogs and network throttling.
extension WebDriverSession {
    // MARK: Scripts

    /// Runs `source` as a function body (`arguments[0]`… hold `args`) and returns its result.
    /// DOM nodes come back as element references (`JSONValue.elementValue`); pass elements in
    /// with `JSONValue.element(_:)`.
    public func executeScript(_ source: String, args: [JSONValue] = []) async throws -> JSONValue {
        try await command("POST", "/execute/sync", ["script": .string(source), "args": .array(args)])
    }

    /// Like `executeScript`, but the result is whatever the script passes to its callback,
    /// `arguments[arguments.length - 1]`; for awaiting promises or timers (30 s script timeout).
    public func executeAsyncScript(_ source: String, args: [JSONValue] = []) async throws -> JSONValue {
        try await command("POST", "/execute/async", ["script": .string(source), "args": .array(args)])
    }

    // MARK: Screenshots

    /// A PNG of the viewport (the `--window-size` area).
    public func screenshot() async throws -> Data {
        let encoded = try await command("GET", "/screenshot").stringValue ?? ""
        guard let png = Data(base64Encoded: encoded) else {
            throw WebDriverError.malformedResponse(endpoint: "GET /screenshot", detail: "not base64")
        }
        return png
    }

    /// Writes a screenshot to `path`, creating parent directories — handy as a CI artifact
    /// when an assertion fails.
    public func saveScreenshot(to path: String) async throws {
        let url = URL(fileURLWithPath: path)
        let png = try await screenshot()
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: url)
    }

    // MARK: Dialogs (alert / confirm / prompt)
    // Sessions use unhandledPromptBehavior "ignore": while a dialog is open every other command
    // fails with "unexpected alert open" (its text is in `WebDriverError.command.alertText`).
    // Clicking the element that opens the dialog itself succeeds.

    /// Presses OK; `confirm()` returns `true`.
    public func acceptAlert() async throws { try await command("POST", "/alert/accept") }
    /// Presses Cancel; `confirm()` returns `false`, `prompt()` returns `null`.
    public func dismissAlert() async throws { try await command("POST", "/alert/dismiss") }
    /// The dialog's message; throws "no such alert" when none is open.
    public func alertText() async throws -> String { try await command("GET", "/alert/text").stringValue ?? "" }
    /// Types into a `prompt()` before `acceptAlert()`.
    public func sendAlertText(_ text: String) async throws {
        try await command("POST", "/alert/text", ["text": .string(text)])
    }

    // MARK: Network emulation

    /// Throttles this session's network via chromedriver's Chromium-specific endpoint, to test
    /// loading states and slow-network UX. Throughputs are bytes per second; the setting also
    /// applies to later navigations and to loopback servers.
    public func setNetworkConditions(
        latencyMs: Int, downloadBytesPerSecond: Int, uploadBytesPerSecond: Int, offline: Bool = false
    ) async throws {
        let conditions: JSONValue = [
            "offline": .bool(offline), "latency": .number(Double(latencyMs)),
            "download_throughput": .number(Double(downloadBytesPerSecond)),
            "upload_throughput": .number(Double(uploadBytesPerSecond)),
        ]
        try await command("POST", "/chromium/network_conditions", ["network_conditions": conditions])
    }

    /// Removes throttling set by `setNetworkConditions`.
    public func clearNetworkConditions() async throws {
        try await command("DELETE", "/chromium/network_conditions")
    }
}
