import Foundation

/// A key prefix of its own for one test on the shared Redis.
public struct TestKeys: Sendable {
    public let prefix: String

    public init() { prefix = "test:\(UUID().uuidString.prefix(8)):" }

    public func callAsFunction(_ name: String) -> String { prefix + name }
}
