/// The `error_code` a failed job carries in the ledger (CONTRACT.md §3).
public enum JobErrorCode: String, Sendable, CaseIterable, Codable {
    case pdfInvalid = "pdf_invalid"
    case pdfEncrypted = "pdf_encrypted"
    case pdfTimeout = "pdf_timeout"
    case pdfResourceLimit = "pdf_resource_limit"
    case blobMissing = "blob_missing"
    case storageIO = "storage_io"
    case dbUnavailable = "db_unavailable"
    case `internal`

    /// Whether another attempt could succeed. A hostile or broken PDF, or a
    /// missing blob, fails the same way every time.
    public var isRetryable: Bool {
        switch self {
        case .pdfInvalid, .pdfEncrypted, .pdfTimeout, .pdfResourceLimit, .blobMissing: false
        case .storageIO, .dbUnavailable, .internal: true
        }
    }
}
