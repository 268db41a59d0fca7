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
    public init(path: String) throws {
        var error: UnsafeMutablePointer<GError>?
        guard let uri = g_filename_to_uri(path, nil, &error) else {
            defer { g_clear_error(&error) }
            throw PDFError(.pdfInvalid, "not a file path: \(path)")
        }
        defer { g_free(uri) }
        guard let document = poppler_document_new_from_file(uri, nil, &error) else {
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
