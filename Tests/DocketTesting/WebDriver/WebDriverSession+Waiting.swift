/// Waiting for asynchronous page updates, and sizing the viewport.
extension WebDriverSession {
    /// Polls `condition` until it returns `true`, because pages update asynchronously and
    /// WebDriver has no "wait for this DOM state" command.
    ///
    /// "no such element" and "stale element reference" count as "not yet" — the awaited node
    /// may not exist or may be re-rendered between polls. Other errors propagate at once.
    /// Runs on the caller's executor (`nonisolated(nonsending)`), so `condition` need not be Sendable.
    /// - Throws: `WebDriverError.timeout` whose text includes `description`.
    nonisolated(nonsending)
    public func waitUntil(
        _ description: String, timeout: Duration = .seconds(10), poll: Duration = .milliseconds(100),
        _ condition: () async throws -> Bool
    ) async throws {
        let transient = [WebDriverError.Code.noSuchElement, WebDriverError.Code.staleElementReference]
        let deadline = ContinuousClock.now + timeout
        var lastError: String?
        while true {
            do {
                if try await condition() { return }
                lastError = nil
            } catch let error as WebDriverError where error.code.map(transient.contains) == true {
                lastError = error.description
            }
            guard ContinuousClock.now + poll < deadline else { break }
            try await Task.sleep(for: poll)
        }
        let detail = lastError.map { "\(description) (last error: \($0))" } ?? description
        throw WebDriverError.timeout(description: detail, after: timeout)
    }

    /// Resizes the window so the *page* gets exactly `width` × `height` CSS pixels.
    ///
    /// `--window-size` and `/window/rect` set the outer window, and headless Chromium 156
    /// reserves 143 px of simulated browser UI inside it (and enforces a 500 px minimum
    /// window width), so a 640×480 window shows a 640×337 page. Layout and screenshot
    /// assertions need the viewport, so measure the difference and compensate.
    public func setViewportSize(width: Int, height: Int) async throws {
        var actual = (width: 0, height: 0)
        for attempt in 1...3 {  // a second correction covers rounding or a clamped first resize
            let inner = try await executeScript("return [window.innerWidth, window.innerHeight]")
            actual = (inner[0]?.intValue ?? 0, inner[1]?.intValue ?? 0)
            if actual == (width, height) { return }
            guard attempt < 3 else { break }
            let outer = try await command("GET", "/window/rect")
            let outerWidth = outer["width"]?.intValue ?? width, outerHeight = outer["height"]?.intValue ?? height
            try await command("POST", "/window/rect", [
                "width": .number(Double(outerWidth + width - actual.width)),
                "height": .number(Double(outerHeight + height - actual.height)),
            ])
        }
        throw WebDriverError.viewportSizeNotApplied(
            requested: "\(width)x\(height)", actual: "\(actual.width)x\(actual.height)")
    }
}
