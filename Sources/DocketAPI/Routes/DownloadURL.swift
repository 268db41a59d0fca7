import Foundation
import Hummingbird

/// The answer of `POST /v1/documents/{id}/download-url`, the API's hottest
/// route. Written by hand, byte for byte what `APIJSON.encoder` writes (a
/// test holds them equal): the encoder's key conversion and sorting were a
/// tenth of the route's time.
struct DownloadURL: ResponseGenerator, Encodable {
    let url: String
    /// Whole seconds.
    let expiresAt: Date

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: json()))
    }

    func json() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(url.utf8.count + 64)
        buffer.writeStaticString(#"{"expires_at":""#)
        buffer.writeString(Self.iso8601(expiresAt))
        buffer.writeStaticString(#"","url":""#)
        Self.writeJSONEscaped(url, to: &buffer)
        buffer.writeStaticString(#""}"#)
        return buffer
    }

    /// `2026-11-30T20:06:53Z`, as the encoder's `.iso8601` writes a whole second.
    static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// `text` as a JSON string's inside: quote, backslash and control
    /// characters escaped, `/` kept (the encoder's `.withoutEscapingSlashes`).
    static func writeJSONEscaped(_ text: String, to buffer: inout ByteBuffer) {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            buffer.writeString(text)  // the usual URL: nothing to escape
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString(#"\""#)
            case UInt8(ascii: "\\"): buffer.writeStaticString(#"\\"#)
            case 0x0A: buffer.writeStaticString(#"\n"#)
            case 0x0D: buffer.writeStaticString(#"\r"#)
            case 0x09: buffer.writeStaticString(#"\t"#)
            case 0x08: buffer.writeStaticString(#"\b"#)
            case 0x0C: buffer.writeStaticString(#"\f"#)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.writeStaticString(#"\u00"#)
                buffer.writeBytes([hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: buffer.writeInteger(byte)
            }
        }
    }
}
