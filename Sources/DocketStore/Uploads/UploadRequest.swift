import DocketCore
import Foundation

/// `POST /v1/uploads` as the client sent it, checked before anything is
/// reserved: a bad request changes nothing.
public struct UploadRequest: Sendable, Codable, Equatable {
    public var filename: String
    public var contentType: String
    public var sizeBytes: Int64

    public init(filename: String, contentType: String, sizeBytes: Int64) {
        self.filename = filename
        self.contentType = contentType
        self.sizeBytes = sizeBytes
    }


    /// Throws the contract's error for the first problem found.
    public func validate(maxBytes: Int64) throws(DocketError) {
        guard !filename.isEmpty, filename.utf8.count <= 255,
              !filename.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw DocketError(.invalidInput, "filename must be 1 to 255 bytes without control characters") }
        guard contentType.lowercased() == "application/pdf" else {
            throw DocketError(.unsupportedMediaType, "content_type must be application/pdf")
        }
        guard sizeBytes != 0 else { throw DocketError(.emptyFile, "size_bytes is 0: there is nothing to upload") }
        guard sizeBytes > 0 else { throw DocketError(.invalidInput, "size_bytes must be positive") }
        guard sizeBytes <= maxBytes else {
            throw DocketError(.bodyTooLarge, "size_bytes \(sizeBytes) is over the limit of \(maxBytes) bytes")
        }
    }
}
