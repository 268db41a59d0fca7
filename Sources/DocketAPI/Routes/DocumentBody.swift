import DocketStore
import Foundation
import Hummingbird
import JobQueue
import UUIDText

/// `GET /v1/documents/{id}` (CONTRACT.md §2). Absent facts are null, so a
/// client sees every field from the start.
struct DocumentBody: ResponseEncodable {
    struct Failure: Codable, Sendable {
        let errorCode: String
        let message: String?
    }

    let id: String
    let filename: String
    let status: String
    let sizeBytes: Int64
    let sha256: String?
    let pageCount: Int?
    let pdfVersion: String?
    let title: String?
    let author: String?
    let subject: String?
    let keywords: String?
    let producer: String?
    let creator: String?
    let createdAtPdf: Date?
    let modifiedAtPdf: Date?
    let encrypted: Bool?
    let createdAt: Date
    let pages: [DocumentRecord.Page]
    let thumbnails: [DocumentRecord.Thumbnail]
    let error: Failure?
    let jobs: [JobBrief]

    init(_ document: DocumentRecord, jobs: [JobSummary]) {
        id = document.id.lowercasedString
        filename = document.filename
        status = document.status.rawValue
        sizeBytes = document.sizeBytes
        sha256 = document.sha256
        pageCount = document.pageCount
        pdfVersion = document.pdfVersion
        title = document.title
        author = document.author
        subject = document.subject
        keywords = document.keywords
        producer = document.producer
        creator = document.creator
        createdAtPdf = document.createdAtPDF
        modifiedAtPdf = document.modifiedAtPDF
        encrypted = document.encrypted
        createdAt = document.createdAt
        pages = document.pages
        thumbnails = document.thumbnails
        error = document.errorCode.map { Failure(errorCode: $0, message: document.errorMessage) }
        self.jobs = jobs.map(JobBrief.init)
    }

    /// Writes nil fields as null rather than leaving them out.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(filename, forKey: .filename)
        try c.encode(status, forKey: .status)
        try c.encode(sizeBytes, forKey: .sizeBytes)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(pageCount, forKey: .pageCount)
        try c.encode(pdfVersion, forKey: .pdfVersion)
        try c.encode(title, forKey: .title)
        try c.encode(author, forKey: .author)
        try c.encode(subject, forKey: .subject)
        try c.encode(keywords, forKey: .keywords)
        try c.encode(producer, forKey: .producer)
        try c.encode(creator, forKey: .creator)
        try c.encode(createdAtPdf, forKey: .createdAtPdf)
        try c.encode(modifiedAtPdf, forKey: .modifiedAtPdf)
        try c.encode(encrypted, forKey: .encrypted)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(pages, forKey: .pages)
        try c.encode(thumbnails, forKey: .thumbnails)
        try c.encode(error, forKey: .error)
        try c.encode(jobs, forKey: .jobs)
    }

    enum CodingKeys: String, CodingKey {
        case id, filename, status, sizeBytes, sha256, pageCount, pdfVersion, title, author, subject, keywords
        case producer, creator, createdAtPdf, modifiedAtPdf, encrypted, createdAt, pages, thumbnails, error, jobs
    }
}

/// One line of `GET /v1/documents`: the document without its pages and jobs.
struct DocumentListItem: Codable, Sendable {
    let id: String
    let filename: String
    let status: String
    let sizeBytes: Int64
    let pageCount: Int?
    let createdAt: Date

    init(_ document: DocumentRecord) {
        id = document.id.lowercasedString
        filename = document.filename
        status = document.status.rawValue
        sizeBytes = document.sizeBytes
        pageCount = document.pageCount
        createdAt = document.createdAt
    }
}
