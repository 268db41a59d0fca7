/// An error the API answers with: a contract `ErrorCode`, a `detail` safe to
/// show the client, and optional `logDetail` for the server's logs only.
public struct DocketError: Error, CustomStringConvertible, Sendable {
    public let code: ErrorCode
    public let detail: String
    public let logDetail: String?

    public init(_ code: ErrorCode, _ detail: String, logDetail: String? = nil) {
        self.code = code
        self.detail = detail
        self.logDetail = logDetail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
