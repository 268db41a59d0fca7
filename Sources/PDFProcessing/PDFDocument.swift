import CPoppler
import Foundation

/// One open PDF: owns its `PopplerDocument` and unrefs it. poppler-glib
/// documents are not thread-safe (sharing one crashed 10 runs of 10 here):
/// a `PDFDocument` stays on the thread that opened it, hence not Sendable.
public final class PDFDocument {
    let raw: OpaquePointer

    /// Opens `path`. A password-protected file is `pdf_encrypted`; anything
    /// poppler cannot read, or a document without pages (a broken or huge
    /// page tree), is `pdf_invalid`. An owner-password-only file opens.
    public convenience init(path: String) throws {
        try self.init(path: path, mappingUpTo: Self.mappedBytes)
    }

    /// Opens `path`, parsed from memory if it is at most `limit` bytes.
    init(path: String, mappingUpTo limit: Int64) throws {
        var error: UnsafeMutablePointer<GError>?
        let opened: OpaquePointer?
        if let bytes = Self.mapped(path, upTo: limit) {
            defer { g_bytes_unref(bytes) }
            // poppler keeps its own reference to the bytes for the document's life.
            opened = poppler_document_new_from_bytes(bytes, nil, &error)
        } else {
            opened = try Self.byName(path, error: &error)
        }
        guard let document = opened else {
            defer { g_clear_error(&error) }
            let message = error.map { String(cString: $0.pointee.message) } ?? "unreadable"
            if let error, error.pointee.domain == poppler_error_quark(), error.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
                throw PDFError(.pdfEncrypted, "the PDF needs a password")
            }
            throw PDFError(.pdfInvalid, "not a readable PDF: \(message)")
        }
        raw = document
        guard pageCount > 0 else { throw PDFError(.pdfInvalid, "the PDF has no pages") }
    }

    /// Files up to this size are parsed from memory (mapped, not copied).
    static let mappedBytes: Int64 = 256 << 20

    /// The file mapped into memory, as `GBytes` the caller unrefs: poppler's
    /// file stream reads through a 256-byte buffer, a pread per refill
    /// (perf: 5% of a child's time rendering R's 2,415-page manual went to
    /// those calls). Nil for a file too large to map under the child's
    /// address-space limit, or one that cannot be mapped: it is opened by name.
    private static func mapped(_ path: String, upTo limit: Int64) -> OpaquePointer? {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, Int64(status.st_size) <= limit,
              let file = g_mapped_file_new(path, 0, nil)
        else { return nil }
        defer { g_mapped_file_unref(file) }
        return g_mapped_file_get_bytes(file)
    }

    /// Opened by file name, through poppler's file stream.
    private static func byName(_ path: String, error: inout UnsafeMutablePointer<GError>?) throws -> OpaquePointer? {
        guard let uri = g_filename_to_uri(path, nil, &error) else {
            defer { g_clear_error(&error) }
            throw PDFError(.pdfInvalid, "not a file path: \(path)")
        }
        defer { g_free(uri) }
        return poppler_document_new_from_file(uri, nil, &error)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(raw)) }

    /// The `PopplerDocument*` (an incomplete type, so an opaque pointer in Swift).
    var document: OpaquePointer { raw }

    public var pageCount: Int { Int(poppler_document_get_n_pages(document)) }

    /// Page `index` (0-based), owned by the returned value.
    func page(_ index: Int) throws -> PDFPage {
        guard index >= 0, index < pageCount, let page = poppler_document_get_page(document, Int32(index)) else {
            throw PDFError(.pdfInvalid, "page \(index + 1) cannot be read")
        }
        return PDFPage(page)
    }
}

/// One page: owns its `PopplerPage`.
final class PDFPage {
    /// The `PopplerPage*`.
    let raw: OpaquePointer

    init(_ raw: OpaquePointer) { self.raw = raw }

    deinit { g_object_unref(UnsafeMutableRawPointer(raw)) }

    /// Width and height in points, with the page's rotation applied.
    var size: (width: Double, height: Double) {
        var width = 0.0, height = 0.0
        poppler_page_get_size(raw, &width, &height)
        return (width, height)
    }
}
