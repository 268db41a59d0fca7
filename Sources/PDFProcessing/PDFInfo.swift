import CPoppler
import Foundation

/// What `pdf.info` records (CONTRACT.md §4): pages and their sizes, the PDF
/// version, the document's metadata and dates, and whether it is encrypted.
public struct PDFInfo: Sendable, Equatable, Codable {
    public struct PageSize: Sendable, Equatable, Codable {
        public let widthPt: Double
        public let heightPt: Double
    }

    public let pageCount: Int
    public let pages: [PageSize]
    public let pdfVersion: String?
    public let title: String?
    public let author: String?
    public let subject: String?
    public let keywords: String?
    public let creator: String?
    public let producer: String?
    public let createdAt: Date?
    public let modifiedAt: Date?
    /// Opened without a password but protected by one (owner password):
    /// poppler reports restricted permissions.
    public let encrypted: Bool

    /// Reads everything from an open document.
    public init(document: PDFDocument) throws {
        let raw = document.document
        pageCount = document.pageCount
        pages = try (0..<pageCount).map { index in
            let size = try document.page(index).size
            return PageSize(widthPt: size.width, heightPt: size.height)
        }
        // "1.7", "2.0" (poppler's version string says "PDF-1.7", and "PDF-2" for 2.0).
        var major: guint = 0, minor: guint = 0
        poppler_document_get_pdf_version(raw, &major, &minor)
        pdfVersion = major > 0 ? "\(major).\(minor)" : nil
        title = GLibString.take(poppler_document_get_title(raw))
        author = GLibString.take(poppler_document_get_author(raw))
        subject = GLibString.take(poppler_document_get_subject(raw))
        keywords = GLibString.take(poppler_document_get_keywords(raw))
        creator = GLibString.take(poppler_document_get_creator(raw))
        producer = GLibString.take(poppler_document_get_producer(raw))
        createdAt = Self.date(poppler_document_get_creation_date(raw))
        modifiedAt = Self.date(poppler_document_get_modification_date(raw))
        encrypted = poppler_document_get_permissions(raw).rawValue & POPPLER_PERMISSIONS_FULL.rawValue
            != POPPLER_PERMISSIONS_FULL.rawValue
    }

    /// `PDFInfo(document:)` of the file at `path`.
    public static func read(path: String) throws -> PDFInfo {
        try PDFInfo(document: PDFDocument(path: path))
    }

    /// poppler answers -1 (or 0) for a missing date.
    private static func date(_ seconds: time_t) -> Date? {
        seconds > 0 ? Date(timeIntervalSince1970: TimeInterval(seconds)) : nil
    }
}
