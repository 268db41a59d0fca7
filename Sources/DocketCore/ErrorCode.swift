/// The `error_code` of an API error (CONTRACT.md §3): clients branch on it.
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
    case invalidInput = "invalid_input"
    case emptyFile = "empty_file"
    case unauthorized
    case tokenInvalid = "token_invalid"
    case tokenExpired = "token_expired"
    case forbidden
    case quotaExceeded = "quota_exceeded"
    case notFound = "not_found"
    case uploadTimeout = "upload_timeout"
    case conflict
    case uploadExpired = "upload_expired"
    case bodyTooLarge = "body_too_large"
    case unsupportedMediaType = "unsupported_media_type"
    case idempotencyMismatch = "idempotency_mismatch"
    /// The client went away mid-body: logged and counted, never sent.
    case networkAbort = "network_abort"
    case unavailable
    case `internal`

    /// The HTTP status that goes with the code.
    public var httpStatus: Int {
        switch self {
        case .invalidInput, .emptyFile: 400
        case .unauthorized: 401
        case .tokenInvalid, .tokenExpired, .forbidden, .quotaExceeded: 403
        case .notFound: 404
        case .uploadTimeout: 408
        case .conflict: 409
        case .uploadExpired: 410
        case .bodyTooLarge: 413
        case .unsupportedMediaType: 415
        case .idempotencyMismatch: 422
        case .networkAbort: 499
        case .unavailable: 503
        case .internal: 500
        }
    }

    /// A short title for problem+json.
    public var title: String {
        switch self {
        case .invalidInput: "Invalid input"
        case .emptyFile: "Empty file"
        case .unauthorized: "Unauthorized"
        case .tokenInvalid: "Invalid token"
        case .tokenExpired: "Token expired"
        case .forbidden: "Forbidden"
        case .quotaExceeded: "Quota exceeded"
        case .notFound: "Not found"
        case .uploadTimeout: "Upload timed out"
        case .conflict: "Conflict"
        case .uploadExpired: "Upload expired"
        case .bodyTooLarge: "Body too large"
        case .unsupportedMediaType: "Unsupported media type"
        case .idempotencyMismatch: "Idempotency key reused"
        case .networkAbort: "Client went away"
        case .unavailable: "Service unavailable"
        case .internal: "Internal error"
        }
    }
}
