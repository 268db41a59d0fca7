import DocketCore
import Foundation

/// A blob store failure, with what a job records for it.
public struct BlobStoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable {
        /// No blob under that key.
        case notFound
        /// The file system refused (permissions, disk full, I/O error).
        case io
        /// A key that is not a valid blob key.
        case invalidKey
    }

    public let code: Code
    public let message: String
    /// The `errno` behind an `.io` or `.notFound`, when there is one.
    public let errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// The ledger's `error_code` for a job that met this error: a missing
    /// blob is not retried; an I/O error may pass.
    public var jobErrorCode: JobErrorCode {
        switch code {
        case .notFound: .blobMissing
        case .io, .invalidKey: .storageIO
        }
    }

    public var description: String { message }

    /// The error for a failed system call on `path`.
    static func system(_ call: String, _ path: String, _ number: Int32 = Foundation.errno) -> BlobStoreError {
        let reason = String(cString: strerror(number))
        if number == ENOENT { return BlobStoreError(.notFound, "\(path): not found", errno: number) }
        return BlobStoreError(.io, "\(call) \(path): \(reason)", errno: number)
    }
}
