import CTurboJPEG
import DocketCore
import DocketTesting
import Foundation
@testable import PDFProcessing
import Testing

@Suite struct PDFInfoTests {
    @Test func pagesSizesAndMetadataAreReadBack() throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/three.pdf"
        PDFFixtures.make(path, pages: [(612, 792), (842, 595), (200, 300)], title: "Quarterly report", author: "Ada")
        let info = try PDFInfo.read(path: path)
        #expect(info.pageCount == 3)
        #expect(info.pages.map { [$0.widthPt, $0.heightPt] } == [[612, 792], [842, 595], [200, 300]])
        #expect(info.title == "Quarterly report")
        #expect(info.author == "Ada")
        #expect(info.producer?.contains("cairo") == true)
        #expect(info.pdfVersion?.hasPrefix("1.") == true, "\(String(describing: info.pdfVersion))")
        #expect(info.createdAt == ISO8601DateFormatter().date(from: "2024-01-02T03:04:05Z"))
        #expect(info.encrypted == false)
    }

    /// Mapped into memory (the usual way) or read through poppler's file
    /// stream (files over 256 MiB), a document reads the same.
    @Test func aMappedAndANamedDocumentReadTheSame() throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/two.pdf"
        PDFFixtures.make(path, pages: [(612, 792), (200, 300)], title: "Twice")
        let mapped = try PDFInfo(document: PDFDocument(path: path, mappingUpTo: 1 << 30))
        let named = try PDFInfo(document: PDFDocument(path: path, mappingUpTo: 0))
        #expect(mapped == named)
        #expect(mapped.pages.map { [$0.widthPt, $0.heightPt] } == [[612, 792], [200, 300]])
        #expect(mapped.title == "Twice")
        let pixels = try [1 << 30, 0].map { limit in
            try PageRenderer.jpeg(PDFDocument(path: path, mappingUpTo: Int64(limit)), page: 0, fitting: (300, 400)).jpeg
        }
        #expect(pixels[0] == pixels[1])
    }

    @Test func aCoverFitsTheBoxKeepingItsShape() throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/letter.pdf"
        PDFFixtures.make(path, pages: [(612, 792), (100, 100)])
        let document = try PDFDocument(path: path)
        let cover = try PageRenderer.jpeg(document, page: 0, fitting: (300, 400))
        // 612×792 into 300×400: the width binds (300/612 < 400/792).
        #expect(cover.width == 300)
        #expect(cover.height == 388)
        #expect(Array(cover.jpeg.prefix(2)) == [0xFF, 0xD8])
        #expect(Array(cover.jpeg.suffix(2)) == [0xFF, 0xD9])
        let decoded: [Int] = try Self.jpegSize(cover.jpeg)
        #expect(decoded == [300, 388])
        // The page's red rectangle (its top-left quarter) on white, not on black.
        let pixels = try Self.rgb(cover.jpeg, width: 300, height: 388)
        let inside = pixels(60, 60), outside = pixels(280, 370)
        #expect(inside.red > 170 && inside.green < 80 && inside.blue < 80, "\(inside)")
        #expect(outside.red > 240 && outside.green > 240 && outside.blue > 240, "\(outside)")
        // A square page binds on the box's narrower side.
        let square = try PageRenderer.jpeg(document, page: 1, fitting: (300, 400))
        #expect(square.width == 300 && square.height == 300, "\(square.width)×\(square.height)")
    }

    @Test func whatIsNotAReadablePDFIsInvalid() throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = folder + "/notes.pdf"
        try "just some words".write(toFile: text, atomically: true, encoding: .utf8)
        let truncated = folder + "/truncated.pdf"
        PDFFixtures.make(folder + "/whole.pdf", pages: [(612, 792)])
        let whole = try Data(contentsOf: URL(fileURLWithPath: folder + "/whole.pdf"))
        try whole.prefix(60).write(to: URL(fileURLWithPath: truncated))
        FileManager.default.createFile(atPath: folder + "/empty.pdf", contents: Data())
        for path in [text, truncated, folder + "/empty.pdf", folder + "/missing.pdf"] {
            let error = #expect(throws: PDFError.self) { try PDFInfo.read(path: path) }
            #expect(error?.code == .pdfInvalid, "\(path)")
        }
    }

    /// The JPEG decoded to RGB: a lookup of the pixel at (x, y).
    static func rgb(_ jpeg: [UInt8], width: Int, height: Int) throws -> (Int, Int) -> (red: Int, green: Int, blue: Int) {
        let handle = tjInitDecompress()
        defer { tjDestroy(handle) }
        var source = jpeg
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let status = tjDecompress2(
            handle, &source, UInt(source.count), &pixels, Int32(width), Int32(width * 3), Int32(height), Int32(TJPF_RGB.rawValue), 0
        )
        guard status == 0 else { throw PDFError(.internal, "not a JPEG") }
        return { x, y in
            let at = (y * width + x) * 3
            return (Int(pixels[at]), Int(pixels[at + 1]), Int(pixels[at + 2]))
        }
    }

    /// The JPEG's own header, decoded by turbojpeg.
    static func jpegSize(_ jpeg: [UInt8]) throws -> [Int] {
        let handle = tjInitDecompress()
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        var bytes = jpeg
        let status = tjDecompressHeader3(handle, &bytes, UInt(bytes.count), &width, &height, &subsampling, &colorspace)
        guard status == 0 else { throw PDFError(.internal, "not a JPEG") }
        return [Int(width), Int(height)]
    }
}

/// Encrypted files, made with Debian's qpdf from a cairo PDF.
@Suite struct EncryptedPDFTests {
    @Test func aUserPasswordIsEncryptedAnOwnerPasswordOpensFlagged() async throws {
        let folder = try PDFFixtures.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        PDFFixtures.make(folder + "/plain.pdf", pages: [(612, 792)], title: "Secret")
        try await PDFFixtures.encrypt(folder + "/plain.pdf", folder + "/locked.pdf", user: "open-sesame", owner: "owner")
        try await PDFFixtures.encrypt(folder + "/plain.pdf", folder + "/restricted.pdf", user: "", owner: "owner")

        let locked = #expect(throws: PDFError.self) { try PDFInfo.read(path: folder + "/locked.pdf") }
        #expect(locked?.code == .pdfEncrypted)
        let restricted = try PDFInfo.read(path: folder + "/restricted.pdf")
        #expect(restricted.encrypted)
        #expect(restricted.pageCount == 1)
        #expect(restricted.title == "Secret")
    }
}
