/// One periodic sweep (DESIGN.md "Sweepers"): what it is called, how often
/// it runs across all replicas, whether it also runs when a sweeper starts,
/// how long a run may take, and the run itself, which answers how many
/// things it handled by outcome (`removed`, `expired`, `failed` …).
public struct Sweep: Sendable {
    public let name: String
    public let every: Duration
    public let atStart: Bool
    public let deadline: Duration
    public let run: @Sendable () async throws -> [String: Int]

    public init(
        name: String, every: Duration, atStart: Bool = false, deadline: Duration? = nil,
        run: @escaping @Sendable () async throws -> [String: Int]
    ) {
        self.name = name
        self.every = every
        self.atStart = atStart
        // A run must end well inside its period, or two could overlap.
        self.deadline = deadline ?? min(every / 2, .seconds(600))
        self.run = run
    }
}
