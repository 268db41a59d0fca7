/// Why a `ConnectionPool` could not hand out a connection.
public struct ConnectionPoolError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// Every connection stayed busy for the whole checkout timeout.
        case checkoutTimeout(Duration)
        /// The pool was shut down.
        case shutdown
    }

    public let code: Code

    public init(_ code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .checkoutTimeout(let timeout):
            "no connection became free within \(timeout) (the pool is exhausted)"
        case .shutdown:
            "the connection pool is shut down"
        }
    }
}
