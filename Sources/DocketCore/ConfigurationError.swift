/// A bad or missing setting. `description` is the one line a process prints
/// before it exits: it names the variable and what was wrong.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let variable: String
    public let problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "configuration error: \(variable): \(problem)" }
}
