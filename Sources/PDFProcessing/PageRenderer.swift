import CPoppler
import CTurboJPEG
import DocketCore

/// A rendered page: its pixel size and the JPEG bytes.
public struct RenderedImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let jpeg: [UInt8]

    public init(width: Int, height: Int, jpeg: [UInt8]) {
        self.width = width
        self.height = height
        self.jpeg = jpeg
    }
}

/// Renders a page fitted into a box (aspect ratio kept) and encodes it as
/// JPEG: poppler draws with cairo on white (pages are transparent), and
/// turbojpeg compresses the pixels in place, no copy.
public enum PageRenderer {
    public static func jpeg(
        _ document: PDFDocument, page index: Int, fitting box: (width: Int, height: Int), quality: Int = 85
    ) throws -> RenderedImage {
        let page = try document.page(index)
        let (width, height) = page.size
        guard width > 0, height > 0, width.isFinite, height.isFinite else {
            throw PDFError(.pdfInvalid, "page \(index + 1) has no size")
        }
        let scale = min(Double(box.width) / width, Double(box.height) / height)
        let pixelWidth = max(1, Int((width * scale).rounded()))
        let pixelHeight = max(1, Int((height * scale).rounded()))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(pixelWidth), Int32(pixelHeight)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS
        else {
            // Sizes are capped before this point: what fails here is memory.
            throw PDFError(.pdfResourceLimit, "no memory for a \(pixelWidth)×\(pixelHeight) image")
        }
        defer { cairo_surface_destroy(surface) }
        let context = cairo_create(surface)
        defer { cairo_destroy(context) }
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_scale(context, scale, scale)
        // The printing path: the screen path (`poppler_page_render`) also
        // builds the page's text layout for selection: ~15% of a text
        // page's time here (fullrefman.pdf, beside pdftoppm: 0.79× → 0.92×). Markup annotations are drawn, as viewers do.
        poppler_page_render_for_printing_with_options(page.raw, context, POPPLER_PRINT_ALL)
        cairo_surface_flush(surface)
        return RenderedImage(
            width: pixelWidth, height: pixelHeight,
            jpeg: try encode(
                pixels: cairo_image_surface_get_data(surface), width: pixelWidth, height: pixelHeight,
                stride: Int(cairo_image_surface_get_stride(surface)), quality: quality
            )
        )
    }

    /// cairo's RGB24 is one 32-bit word per pixel, B G R X in memory on
    /// little-endian machines: turbojpeg's BGRX. The fast DCT: at 300×400
    /// its loss does not show, and the encode is a little cheaper.
    private static func encode(
        pixels: UnsafeMutablePointer<UInt8>?, width: Int, height: Int, stride: Int, quality: Int
    ) throws -> [UInt8] {
        guard let pixels, let handle = tjInitCompress() else { throw PDFError(.internal, "turbojpeg could not start") }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = tjCompress2(
            handle, pixels, Int32(width), Int32(stride), Int32(height), Int32(TJPF_BGRX.rawValue),
            &buffer, &size, Int32(TJSAMP_420.rawValue), Int32(quality), TJFLAG_FASTDCT
        )
        defer { tjFree(buffer) }
        guard status == 0, let buffer else {
            throw PDFError(.internal, "turbojpeg failed: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }
}
