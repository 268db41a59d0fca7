import ArgumentParser

/// The flags every worker executable takes (settings come from the
/// environment, CONTRACT.md §1).
public struct WorkerOptions: ParsableArguments {
    @Option(help: "Jobs run at once, per kind (default: per worker).")
    public var concurrency: Int?

    @Option(help: "Most jobs taken per claim.")
    public var claimBatch = 100

    public init() {}

    public func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if claimBatch < 1 { throw ValidationError("--claim-batch must be at least 1") }
    }
}
