import Foundation

/// A document as `GET /v1/documents/{id}` shows it (CONTRACT.md §2), less
/// its jobs, which the ledger adds.
public struct DocumentRecord: Sendable, Equatable {
    public struct Page: Sendable, Equatable, Codable {
        public let number: Int
        public let widthPt: Double
        public let heightPt: Double
    }

    public struct Thumbnail: Sendable, Equatable, Codable {
        public let page: Int
        public let width: Int
        public let height: Int
        public let bytes: Int
    }

    public let id: UUID
    public let userID: UUID
    public let filename: String
    public let status: DocumentStatus
    public let sizeBytes: Int64
    public let sha256: String?
    public let blobKey: String
    public let pageCount: Int?
    public let pdfVersion: String?
    public let title: String?
    public let author: String?
    public let subject: String?
    public let keywords: String?
    public let creator: String?
    public let producer: String?
    public let createdAtPDF: Date?
    public let modifiedAtPDF: Date?
    public let encrypted: Bool?
    public let errorCode: String?
    public let errorMessage: String?
    public let createdAt: Date
    public var pages: [Page] = []
    public var thumbnails: [Thumbnail] = []
}

/// CONTRACT.md §2: where a document is in its life.
public enum DocumentStatus: String, Sendable, Codable {
    case uploading
    case processing
    case ready
    case failed
    case deleted
}
