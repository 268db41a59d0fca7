import DocketCore

/// Why a PDF could not be read or rendered, with the job error_code it
/// becomes (CONTRACT.md §3): `pdf_invalid` and `pdf_encrypted` are not
/// retried.
public struct PDFError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: JobErrorCode
    public let message: String

    public init(_ code: JobErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
