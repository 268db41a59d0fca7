/// Everything that can go wrong while driving a browser through chromedriver.
///
/// The W3C protocol reports failures as a stable error *code* string ("no such element",
/// "unexpected alert open", …) plus a free-form message. Tests branch on the code, so it is kept
/// verbatim instead of being mapped onto a Swift enum that would lag behind the spec.
/// Transport and startup problems are separate cases because they mean "the harness is broken",
/// not "the page behaved differently than expected".
public enum WebDriverError: Error, Sendable, CustomStringConvertible {
    /// chromedriver answered with a W3C error object.
    /// - `alertText`: the text of the open dialog for "unexpected alert open", which chromedriver
    ///   reports in `data.text`; it tells a failing test *which* prompt got in the way.
    case command(code: String, message: String, httpStatus: Int, endpoint: String, alertText: String?)
    /// The HTTP request itself failed (connection refused, timed out, …).
    case transport(endpoint: String, reason: String)
    /// chromedriver answered with something that is not the JSON shape the protocol promises.
    case malformedResponse(endpoint: String, detail: String)
    /// chromedriver could not be launched or never became ready.
    case driverStartup(String)
    /// `WebDriverSession.waitUntil` gave up; the description says what was awaited.
    case timeout(description: String, after: Duration)
    /// The browser would not give the page the requested viewport (e.g. below a minimum size).
    case viewportSizeNotApplied(requested: String, actual: String)

    /// The W3C error code, if chromedriver produced one.
    public var code: String? {
        if case .command(let code, _, _, _, _) = self { return code }
        return nil
    }

    public var description: String {
        switch self {
        case let .command(code, message, status, endpoint, alertText):
            // chromedriver appends a native stack trace and session info to `message`;
            // the first line is the part a human needs.
            let firstLine = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? message
            let alert = alertText.map { " [alert text: \($0)]" } ?? ""
            return "WebDriver error '\(code)' (HTTP \(status)) from \(endpoint): \(firstLine)\(alert)"
        case let .transport(endpoint, reason):
            return "WebDriver transport failure for \(endpoint): \(reason)"
        case let .malformedResponse(endpoint, detail):
            return "Malformed WebDriver response from \(endpoint): \(detail)"
        case let .driverStartup(reason):
            return "chromedriver startup failed: \(reason)"
        case let .timeout(description, after):
            return "Timed out after \(after) waiting for: \(description)"
        case let .viewportSizeNotApplied(requested, actual):
            return "Viewport size \(requested) not applied; the page is \(actual)"
        }
    }
}

extension WebDriverError {
    /// W3C error codes that tests commonly branch on (WebDriver spec §6.6, "Errors").
    public enum Code {
        public static let noSuchElement = "no such element"
        public static let staleElementReference = "stale element reference"
        public static let unexpectedAlertOpen = "unexpected alert open"
        public static let noSuchAlert = "no such alert"
        public static let javascriptError = "javascript error"
        public static let invalidArgument = "invalid argument"
        public static let elementNotInteractable = "element not interactable"
        public static let timeout = "timeout"
    }
}
