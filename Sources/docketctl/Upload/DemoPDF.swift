import Foundation

/// Small, valid PDFs for `docketctl demo`, written by hand so the CLI needs
/// no PDF library: each page has a coloured band and its number in
/// Helvetica, so covers and page thumbnails are easy to tell apart.
enum DemoPDF {
    /// A PDF with `pages` pages of `width`×`height` points titled `title`.
    static func make(title: String, pages: Int, width: Int = 595, height: Int = 842, hue: Double) -> Data {
        let pages = max(pages, 1)
        var objects: [String] = []
        let pageIDs = (0..<pages).map { 4 + 2 * $0 }
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        objects.append("<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages) >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        let (r, g, b) = rgb(hue: hue)
        for page in 1...max(pages, 1) {
            let content = """
                \(r) \(g) \(b) rg 0 \(height - 220) \(width) 220 re f
                1 1 1 rg BT /F1 36 Tf 48 \(height - 120) Td (\(escaped(title))) Tj ET
                0.2 0.2 0.2 rg BT /F1 120 Tf 48 \(height / 2 - 60) Td (\(page)) Tj ET
                0.4 0.4 0.4 rg BT /F1 14 Tf 48 48 Td (Docket demo - page \(page) of \(pages)) Tj ET
                """
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(width) \(height)] /Resources << /Font << /F1 3 0 R >> >> /Contents \(objects.count + 2) 0 R >>")
            objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
        }
        objects.append("<< /Title (\(escaped(title))) /Author (docketctl demo) /Producer (Docket) >>")
        var pdf = "%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        pdf += offsets.map { String(format: "%010d 00000 n \n", $0) }.joined()
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info \(objects.count) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(pdf.utf8)
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")
    }

    /// A saturated colour for `hue` in 0..<1, as PDF "r g b" numbers.
    private static func rgb(hue: Double) -> (String, String, String) {
        let h = hue.truncatingRemainder(dividingBy: 1) * 6
        let x = 1 - abs(h.truncatingRemainder(dividingBy: 2) - 1)
        let (r, g, b): (Double, Double, Double) = switch Int(h) {
        case 0: (1, x, 0)
        case 1: (x, 1, 0)
        case 2: (0, 1, x)
        case 3: (0, x, 1)
        case 4: (x, 0, 1)
        default: (1, 0, x)
        }
        func scaled(_ value: Double) -> String { String(format: "%.2f", 0.25 + 0.6 * value) }
        return (scaled(r), scaled(g), scaled(b))
    }
}
