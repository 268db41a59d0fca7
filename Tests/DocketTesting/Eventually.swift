/// Waits until `condition` holds, checking every 20 ms; fails with `what`
/// after `seconds`. For effects that arrive by another process or thread
/// (a NOTIFY, a worker's commit), never as a fixed sleep.
public func eventually(
    _ what: String, within seconds: Double = 20, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw EventuallyTimeout(what: what, seconds: seconds) }
        try await Task.sleep(for: .milliseconds(20))
    }
}

public struct EventuallyTimeout: Error, CustomStringConvertible {
    public let what: String
    public let seconds: Double
    public var description: String { "\(what): not within \(seconds) s" }
}
