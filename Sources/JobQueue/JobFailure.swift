import DocketCore

/// Why a handler failed: the ledger's `error_code`, whether another attempt
/// could succeed, and a message for admins. Handlers throw it; any other
/// error counts as `internal` and is retried.
public struct JobFailure: Error, CustomStringConvertible, Sendable {
    public let code: String
    public let isRetryable: Bool
    public let message: String

    public init(_ code: JobErrorCode, _ message: String) {
        self.code = code.rawValue
        self.isRetryable = code.isRetryable
        self.message = message
    }

    /// A failure of a code outside the contract's list (tests, benchmarks).
    public init(code: String, retryable: Bool, message: String) {
        self.code = code
        self.isRetryable = retryable
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
