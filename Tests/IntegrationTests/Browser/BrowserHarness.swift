import DocketTesting
import Foundation

/// Headless Chromium through chromedriver for the page tests. Screenshots
/// (and, on failure, the page as it was) go to `.build/test-artifacts/browser`
/// or `DOCKET_TEST_ARTIFACTS`: kept for a person to look at, never committed.
enum BrowserHarness {
    static var artifacts: String {
        let folder = ProcessInfo.processInfo.environment["DOCKET_TEST_ARTIFACTS"]
            ?? FileManager.default.currentDirectoryPath + "/.build/test-artifacts"
        let path = folder + "/browser"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs `body` with a fresh browser, and quits it and its driver
    /// whatever happens; a failing body leaves `<name>-failure.png`.
    static func with(_ name: String, _ body: (WebDriverSession) async throws -> Void) async throws {
        let driver = try await ChromeDriverProcess.start(logPath: "\(artifacts)/\(name)-chromedriver.log")
        let session: WebDriverSession
        do {
            session = try await WebDriverSession.start(driver: driver, windowSize: (1280, 900))
        } catch {
            await driver.terminate()
            throw error
        }
        do {
            try await body(session)
        } catch {
            try? await session.saveScreenshot(to: "\(artifacts)/\(name)-failure.png")
            try? await session.quit()
            await driver.terminate()
            throw error
        }
        try? await session.quit()
        await driver.terminate()
    }
}

extension WebDriverSession {
    func element(_ css: String) async throws -> WebElement { try await findElement(css: css) }

    func text(_ css: String) async throws -> String { try await text(of: try await findElement(css: css)) }

    func click(_ css: String) async throws { try await click(try await findElement(css: css)) }

    /// A script's result as a number (0 when it is not one).
    func number(_ script: String) async throws -> Double { try await executeScript(script).doubleValue ?? 0 }
}
