/// What one PDF child process may use (DESIGN.md "Untrusted PDFs"). The
/// child applies the memory and CPU limits to itself before it reads any
/// request; the parent enforces the wall clock by killing it.
public struct SandboxLimits: Sendable, Equatable, Codable {
    /// `RLIMIT_AS` of the child: address space, not resident memory.
    public var memoryBytes: Int
    /// Per request (or per page of a multi-page render): `RLIMIT_CPU` is
    /// raised to the CPU used so far plus this before each one.
    public var cpuSeconds: Int
    /// Per reply: a child that answers nothing for this long is killed.
    public var wallClock: Duration
    /// A document with more pages is refused with `pdf_resource_limit`.
    public var maxPages: Int
    /// Largest rendered image, width × height.
    public var maxPixels: Int
    /// A child is replaced after this many requests, so what a hostile file
    /// leaked or fragmented does not outlive it for long.
    public var requestsPerChild: Int

    public init(
        memoryBytes: Int = 1 << 30, cpuSeconds: Int = 30, wallClock: Duration = .seconds(30),
        maxPages: Int = 10_000, maxPixels: Int = 4_000_000, requestsPerChild: Int = 200
    ) {
        self.memoryBytes = memoryBytes
        self.cpuSeconds = cpuSeconds
        self.wallClock = wallClock
        self.maxPages = maxPages
        self.maxPixels = maxPixels
        self.requestsPerChild = requestsPerChild
    }

    /// The limits a child takes as arguments, in its own order.
    public var arguments: [String] {
        ["--memory-bytes", String(memoryBytes), "--cpu-seconds", String(cpuSeconds),
         "--max-pages", String(maxPages), "--max-pixels", String(maxPixels)]
    }
}
