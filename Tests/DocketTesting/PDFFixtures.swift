import BlockingIO
import CPoppler
import Foundation

/// PDFs made inside the tests with cairo's PDF surface: known page sizes
/// and metadata, so what poppler reads back can be checked exactly.
public enum PDFFixtures {
    public static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-pdf-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// One page per size (points), each with a filled rectangle; the given
    /// title and author, and a fixed creation date.
    public static func make(_ path: String, pages: [(Double, Double)], title: String? = nil, author: String? = nil) {
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

extension PDFFixtures {
    /// One object's body: text, or bytes (a stream's content).
    public enum RawObject: ExpressibleByStringLiteral {
        case text(String)
        case bytes([UInt8])

        public init(stringLiteral value: String) { self = .text(value) }

        var bytes: [UInt8] {
            switch self {
            case .text(let text): Array(text.utf8)
            case .bytes(let bytes): bytes
            }
        }
    }

    /// A PDF written object by object, with a correct cross-reference
    /// table: for files cairo would never make.
    public static func raw(_ path: String, objects: [RawObject]) throws {
        var bytes = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(bytes.count)
            bytes += Array("\(index + 1) 0 obj\n".utf8) + object.bytes + Array("\nendobj\n".utf8)
        }
        let xref = bytes.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        bytes += Array(table.utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// `count` bytes that pass an upload's `%PDF-` check, not a real PDF.
    public static func pdfLookingBytes(_ count: Int) -> [UInt8] {
        let head = Array("%PDF-1.7\n".utf8)
        return Array((head + (0..<max(0, count - head.count)).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }).prefix(count))
    }

    /// `%PDF-` then `count - 5` bytes of deterministic noise (see `noise`).
    public static func pdfNoise(_ count: Int) -> [UInt8] {
        var bytes = noise(count)
        bytes.replaceSubrange(0..<min(5, count), with: Array("%PDF-".utf8).prefix(count))
        return bytes
    }

    /// `count` bytes of deterministic noise (xorshift64): a body whose
    /// pieces, swapped or repeated, change its hash.
    public static func noise(_ count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: (count + 7) / 8 * 8)
        bytes.withUnsafeMutableBytes { raw in
            // Word stores: cheap even in a debug build, where a generic
            // byte-by-byte copy held a cooperative thread for seconds.
            for offset in stride(from: 0, to: raw.count, by: 8) {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                raw.storeBytes(of: state, toByteOffset: offset, as: UInt64.self)
            }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Whether two byte arrays are equal, by memcmp (a debug build's `==`
    /// on millions of bytes is slow enough to starve other tests).
    public static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 } }
    }

    /// A well-formed PDF whose page tree holds no pages.
    public static func zeroPages(_ path: String) throws {
        try raw(path, objects: ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"])
    }

    /// A render bomb: one letter page whose single path has `segments` line
    /// segments criss-crossing it, stroked once. Small to parse, ruinous to draw.
    public static func renderBomb(_ path: String, segments: Int) async throws {
        try await scribbles(path, pages: 1, segments: segments)
    }

    /// `pages` letter pages sharing one content stream: a path of
    /// `segments` line segments, stroked. A few thousand segments make a
    /// page that takes a renderer milliseconds, for jobs that must last.
    /// Written on a thread of its own: millions of segments are seconds of
    /// work in a debug build, which must not hold the cooperative pool.
    public static func scribbles(_ path: String, pages: Int, segments: Int) async throws {
        try await OwnThread.run {
            // The points repeat every lcm(612, 792) = 13,464 segments: one
            // period is formatted, the rest copied.
            let period = 13_464
            var cycle = [UInt8]()
            for index in 0..<min(segments, period) {
                cycle += Array("\((index * 37) % 612) \((index * 91) % 792) l\n".utf8)
            }
            var content = Array("0.2 w 0 0 m\n".utf8)
            content.reserveCapacity(segments * 12 + cycle.count)
            if segments <= period {
                content += cycle
            } else {
                for _ in 0..<(segments / period) { content += cycle }
                if segments % period > 0 { content += cycle.prefix(cycle.firstIndex(afterLines: segments % period)) }
            }
            content += Array("S\n".utf8)
            let kids = (0..<pages).map { "\($0 + 4) 0 R" }.joined(separator: " ")
            let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"
            var stream = Array("<< /Length \(content.count) >>\nstream\n".utf8)
            stream += content
            stream += Array("endstream".utf8)
            let head: [RawObject] = [
                .text("<< /Type /Catalog /Pages 2 0 R >>"), .text("<< /Type /Pages /Kids [\(kids)] /Count \(pages) >>"), .bytes(stream),
            ]
            try raw(path, objects: head + Array(repeating: RawObject.text(page), count: pages))
        }
    }
}

extension PDFFixtures {
    public struct QPDFFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// `source` encrypted with Debian's qpdf (AES-256, printing and changes
    /// forbidden). An empty `user` password opens without one (owner-only).
    public static func encrypt(_ source: String, _ target: String, user: String, owner: String) async throws {
        let run = try await ProcessRun.run(
            URL(fileURLWithPath: "/usr/bin/qpdf"),
            ["--encrypt", user, owner, "256", "--print=none", "--modify=none", "--", source, target]
        )
        guard run.status == 0 else { throw QPDFFailed(description: "qpdf failed: \(run.stderr)") }
    }

    /// The pixel size in a JPEG's start-of-frame marker, or nil.
    public static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var index = 2
        while index + 9 < bytes.count, bytes[index] == 0xFF {
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if (0xC0...0xC3).contains(marker) {
                let height = Int(bytes[index + 5]) << 8 | Int(bytes[index + 6])
                let width = Int(bytes[index + 7]) << 8 | Int(bytes[index + 8])
                return (width, height)
            }
            index += 2 + length
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    /// The index just past the `lines`-th newline.
    func firstIndex(afterLines lines: Int) -> Int {
        var seen = 0
        for (index, byte) in enumerated() where byte == UInt8(ascii: "\n") {
            seen += 1
            if seen == lines { return index + 1 }
        }
        return count
    }
}
