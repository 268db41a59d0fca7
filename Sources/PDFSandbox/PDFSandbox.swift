import BlockingIO
import DocketCore
import Foundation
import PDFProcessing
import Synchronization

/// Parses and renders PDFs in child processes (DESIGN.md "Untrusted PDFs"):
/// a small pool of long-lived `docket-pdf-sandbox` children, each under
/// `RLIMIT_AS` and `RLIMIT_CPU`, without network, killed past the wall
/// clock, replaced after `requestsPerChild` requests or any death. A child
/// that dies or is killed fails the job (`pdf_timeout`,
/// `pdf_resource_limit`); the worker goes on with a fresh child.
public final class PDFSandbox: Sendable {
    public struct Configuration: Sendable {
        /// Path of the `docket-pdf-sandbox` executable.
        public var executable: String
        public var limits: SandboxLimits
        /// Children at most, shared by every job of the process.
        public var children: Int

        public init(executable: String = PDFSandbox.defaultExecutable(), limits: SandboxLimits = SandboxLimits(), children: Int = 2) {
            self.executable = executable
            self.limits = limits
            self.children = children
        }
    }

    public let configuration: Configuration
    private let pool: ConnectionPool<SandboxProcess>

    public init(configuration: Configuration) {
        // A write to a child that just died must be an error, not the end of the worker.
        signal(SIGPIPE, SIG_IGN)
        self.configuration = configuration
        let (executable, limits) = (configuration.executable, configuration.limits)
        pool = ConnectionPool(maxConnections: configuration.children, checkoutTimeout: .seconds(3600)) {
            try await SandboxProcess.start(executable: executable, limits: limits)
        }
    }

    /// `PDFInfo` of the file; over `maxPages` pages is `pdf_resource_limit`.
    public func info(path: String) async throws -> PDFInfo {
        try await pool.withConnection { try await $0.info(path: path) }
    }

    /// How many pages the document has, without `info`'s per-page sizes.
    public func pageCount(path: String) async throws -> Int {
        try await pool.withConnection { try await $0.pageCount(path: path) }
    }

    /// One page (1-based) fitted into `box`.
    public func render(path: String, page: Int, box: (width: Int, height: Int), quality: Int = 85) async throws -> RenderedImage {
        let image = Mutex<RenderedImage?>(nil)
        try await pool.withConnection { process in
            try await process.render(path: path, pages: [page], box: box, quality: quality) { _, rendered in
                image.withLock { $0 = rendered }
            }
        }
        guard let rendered = image.withLock({ $0 }) else { throw PDFError(.internal, "page \(page) was not rendered") }
        return rendered
    }

    /// Renders `pages` with every child of the pool at once, each taking
    /// the next run of pages as it finishes one, and keeping the document
    /// open between runs. `each` is called on a child's thread, once per
    /// page, in no particular order across children. The first failure
    /// stops the rest and is thrown.
    public func render(
        path: String, pages: [Int], box: (width: Int, height: Int), quality: Int = 85,
        each: @escaping @Sendable (Int, RenderedImage) throws -> Void
    ) async throws {
        let workers = max(1, min(configuration.children, pages.count))
        let cursor = PageCursor(pages: pages, run: max(1, min(16, pages.count / (workers * 4))))
        let pool = self.pool
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    try await pool.withConnection { process in
                        while !Task.isCancelled, let run = cursor.next() {
                            try await process.render(path: path, pages: run, box: box, quality: quality, each: each)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// What a child reports about its own confinement; also proves the
    /// executable starts (workers call it before taking jobs).
    public func selfCheck() async throws -> SandboxSelfCheck {
        try await pool.withConnection { try await $0.selfCheck() }
    }

    /// Kills idle children; busy ones die when they come back.
    public func shutdown() async { await pool.shutdown() }

    /// `DOCKET_PDF_SANDBOX` if set, else `docket-pdf-sandbox` beside the
    /// running executable (where `swift build` and the images put it).
    public static func defaultExecutable() -> String {
        if let path = ProcessInfo.processInfo.environment["DOCKET_PDF_SANDBOX"], !path.isEmpty { return path }
        let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return own.deletingLastPathComponent().appendingPathComponent("docket-pdf-sandbox").path
    }
}

/// Hands out runs of consecutive pages to whichever child asks next.
final class PageCursor: Sendable {
    private let pages: [Int]
    private let run: Int
    private let offset = Mutex(0)

    init(pages: [Int], run: Int) {
        self.pages = pages
        self.run = run
    }

    func next() -> [Int]? {
        let start = offset.withLock { offset -> Int in
            defer { offset += run }
            return offset
        }
        guard start < pages.count else { return nil }
        return Array(pages[start..<min(start + run, pages.count)])
    }
}
