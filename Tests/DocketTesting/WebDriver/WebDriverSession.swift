import Foundation
import Synchronization

/// One headless Chromium window driven over the W3C WebDriver protocol.
///
/// A `Sendable` final class rather than an actor: its only state is the immutable session id plus
/// a quit flag, and chromedriver serialises commands per session anyway, so an actor would add
/// hops without adding safety. Commands are thin, typed wrappers over the HTTP endpoints so that a
/// failing test reports the exact W3C error code (see `WebDriverError`).
public final class WebDriverSession: Sendable {
    /// chromedriver's session id (the `{id}` in `/session/{id}/…`).
    public let id: String
    /// Capabilities chromedriver actually granted (browser version, `chrome.userDataDir`, …).
    public let capabilities: JSONValue
    /// Retained so the driver cannot be deinitialised — which kills its browsers — while this
    /// session is still in use.
    public let driver: ChromeDriverProcess
    var transport: WebDriverTransport { driver.transport }
    private let hasQuit = Mutex(false)

    /// The Chromium executable to launch. Debian's `/usr/bin/chromium` is a shell wrapper that
    /// sources `/etc/chromium.d` (printing a harmless `[: unexpected operator` warning and adding
    /// extension flags); the real binary behind it is used when present, for a deterministic launch.
    public static var defaultChromiumBinary: String? {
        ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Launches Chromium through `driver` and opens a session.
    /// - Parameters:
    ///   - windowSize: the page's viewport (`innerWidth` × `innerHeight`, also the screenshot
    ///     size), fixed so layouts and screenshots are reproducible; see `setViewportSize`.
    ///   - downloadDirectory: where downloads land without a prompt (headless has no save dialog).
    ///   - extraArguments: appended to the Chromium command line, e.g. `--lang=de`.
    public static func start(
        driver: ChromeDriverProcess, windowSize: (width: Int, height: Int) = (1280, 800),
        downloadDirectory: String? = nil, chromiumBinary: String? = defaultChromiumBinary,
        extraArguments: [String] = []
    ) async throws -> WebDriverSession {
        // --no-sandbox: Chromium refuses to start as root with its sandbox on.
        // --disable-dev-shm-usage: container /dev/shm is often 64 MB, which crashes the renderer.
        let arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=\(windowSize.width),\(windowSize.height)"] + extraArguments
        var chromeOptions: [String: JSONValue] = ["args": .array(arguments.map(JSONValue.string))]
        if let chromiumBinary { chromeOptions["binary"] = .string(chromiumBinary) }
        if let downloadDirectory {  // chromedriver also enables downloads for headless from this pref
            chromeOptions["prefs"] = ["download.default_directory": .string(downloadDirectory),
                                      "download.prompt_for_download": false]
        }
        let capabilities: JSONValue = [
            "browserName": "chrome",
            // "ignore" leaves alerts open and makes other commands fail with "unexpected alert
            // open", so a test must accept/dismiss a confirm() explicitly instead of the driver
            // silently dismissing it and hiding a behaviour the test meant to check.
            "unhandledPromptBehavior": "ignore",
            // The spec's 300 s page-load default would make a hung page stall CI for minutes.
            "timeouts": ["implicit": 0, "pageLoad": 60_000, "script": 30_000],
            "goog:chromeOptions": .object(chromeOptions),
        ]
        let body: JSONValue = ["capabilities": ["alwaysMatch": capabilities]]
        let value = try await driver.transport.send("POST", "/session", body)
        guard let id = value["sessionId"]?.stringValue else {
            throw WebDriverError.malformedResponse(endpoint: "POST /session", detail: "no sessionId")
        }
        let session = WebDriverSession(id: id, capabilities: value["capabilities"] ?? .null, driver: driver)
        do { try await session.setViewportSize(width: windowSize.width, height: windowSize.height) } catch {
            try? await session.quit()
            throw error
        }
        return session
    }

    init(id: String, capabilities: JSONValue, driver: ChromeDriverProcess) {
        self.id = id
        self.capabilities = capabilities
        self.driver = driver
    }

    /// Sends a command scoped to this session; `path` starts with "/" or is empty.
    @discardableResult
    public func command(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await transport.send(method, "/session/\(id)\(path)", body)
    }

    /// Closes the browser. Idempotent, so it is safe in cleanup paths that may run twice.
    public func quit() async throws {
        guard hasQuit.withLock({ done in defer { done = true }; return !done }) else { return }
        try await command("DELETE", "")
    }

    // MARK: Navigation

    public func navigate(to url: String) async throws { try await command("POST", "/url", ["url": .string(url)]) }
    public func navigate(to url: URL) async throws { try await navigate(to: url.absoluteString) }
    public func currentURL() async throws -> String { try await command("GET", "/url").stringValue ?? "" }
    public func title() async throws -> String { try await command("GET", "/title").stringValue ?? "" }
    public func refresh() async throws { try await command("POST", "/refresh") }

    // MARK: Elements

    /// The first match; throws `no such element` at once (implicit wait is 0 — use `waitUntil`).
    public func findElement(css selector: String, within parent: WebElement? = nil) async throws -> WebElement {
        let value = try await command("POST", scope(parent) + "/element", locator(selector))
        guard let element = value.elementValue else {
            throw WebDriverError.malformedResponse(endpoint: "POST /element", detail: "no element reference")
        }
        return element
    }

    /// All matches in document order; empty (not an error) when nothing matches.
    public func findElements(css selector: String, within parent: WebElement? = nil) async throws -> [WebElement] {
        let value = try await command("POST", scope(parent) + "/elements", locator(selector))
        return (value.arrayValue ?? []).compactMap(\.elementValue)
    }

    public func click(_ element: WebElement) async throws { try await command("POST", "/element/\(element.id)/click") }
    public func clear(_ element: WebElement) async throws { try await command("POST", "/element/\(element.id)/clear") }

    /// Types `text` into the element. For `<input type=file>`, pass absolute paths (joined with
    /// "\n" for `multiple`): chromedriver sets the files directly instead of opening a chooser.
    public func sendKeys(_ text: String, to element: WebElement) async throws {
        try await command("POST", "/element/\(element.id)/value", ["text": .string(text)])
    }

    /// Selects files on an `<input type=file>`; several paths require the `multiple` attribute.
    public func upload(files absolutePaths: [String], to input: WebElement) async throws {
        try await sendKeys(absolutePaths.joined(separator: "\n"), to: input)
    }

    /// The rendered (visible) text, as a user would read it.
    public func text(of element: WebElement) async throws -> String {
        try await command("GET", "/element/\(element.id)/text").stringValue ?? ""
    }

    /// The HTML attribute, or `nil` when it is absent. See `property(_:of:)` for live DOM state.
    public func attribute(_ name: String, of element: WebElement) async throws -> String? {
        try await command("GET", "/element/\(element.id)/attribute/\(name)").stringValue
    }

    /// The live DOM property (e.g. `value`, `checked`), which attributes do not track after edits.
    public func property(_ name: String, of element: WebElement) async throws -> JSONValue {
        try await command("GET", "/element/\(element.id)/property/\(name)")
    }

    private func scope(_ parent: WebElement?) -> String { parent.map { "/element/\($0.id)" } ?? "" }
    private func locator(_ css: String) -> JSONValue { ["using": "css selector", "value": .string(css)] }
}
