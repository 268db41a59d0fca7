/// A kind of job: which handler runs it and which Redis queue carries it.
/// Open-ended (tests and benchmarks add their own), with the contract's
/// kinds (CONTRACT.md §4) named.
public struct JobKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static let pdfInfo = JobKind("pdf.info")
    public static let thumbnailCover = JobKind("thumbnail.cover")
    public static let thumbnailPages = JobKind("thumbnail.pages")
    public static let fileDelete = JobKind("file.delete")
    public static let quotaSettle = JobKind("quota.settle")
    public static let quotaRelease = JobKind("quota.release")
}
