import CPoppler
import Foundation

/// PDFs made inside the tests with cairo's PDF surface: known page sizes
/// and metadata, so what poppler reads back can be checked exactly.
enum PDFFixtures {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-pdf-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// One page per size (points), each with a filled rectangle; the given
    /// title and author, and a fixed creation date.
    static func make(_ path: String, pages: [(Double, Double)], title: String? = nil, author: String? = nil) {
        let first = pages[0]
        let surface = cairo_pdf_surface_create(path, first.0, first.1)
        if let title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
        if let author { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2024-01-02T03:04:05Z")
        let context = cairo_create(surface)
        for (index, size) in pages.enumerated() {
            if index > 0 { cairo_pdf_surface_set_size(surface, size.0, size.1) }
            cairo_set_source_rgb(context, 0.8, 0.1, 0.1)
            cairo_rectangle(context, 10, 10, size.0 / 2, size.1 / 2)
            cairo_fill(context)
            cairo_show_page(context)
        }
        cairo_destroy(context)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
    }
}
