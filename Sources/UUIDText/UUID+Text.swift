import Foundation

extension UUID {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The canonical lowercase form, `8-4-4-4-12` hex digits: what Redis
    /// keys and Postgres text use. Foundation's `uuidString` goes through
    /// `sprintf` and is uppercase.
    public var lowercasedString: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            write(to: buffer)
            return 36
        }
    }

    /// Appends the canonical lowercase form to `bytes` (array literals).
    public func appendLowercased(to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 36))
        bytes.withUnsafeMutableBufferPointer { all in
            write(to: UnsafeMutableBufferPointer(rebasing: all[start..<start + 36]))
        }
    }

    private func write(to buffer: UnsafeMutableBufferPointer<UInt8>) {
        let bytes = uuid
        var index = 0
        withUnsafeBytes(of: bytes) { raw in
            for position in 0..<16 {
                if position == 4 || position == 6 || position == 8 || position == 10 {
                    buffer[index] = UInt8(ascii: "-")
                    index += 1
                }
                let byte = raw[position]
                buffer[index] = UUID.hexDigits[Int(byte >> 4)]
                buffer[index + 1] = UUID.hexDigits[Int(byte & 0x0f)]
                index += 2
            }
        }
    }

    /// Parses `8-4-4-4-12` hex digits (either case); nil for anything else.
    /// Foundation's `UUID(uuidString:)` goes through `sscanf`.
    public init?(text: UnsafeBufferPointer<UInt8>) {
        guard text.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &value) { out -> Bool in
            var offset = 0
            for position in 0..<16 {
                if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                    guard text[offset] == UInt8(ascii: "-") else { return false }
                    offset += 1
                }
                guard let high = UUID.nibble(text[offset]), let low = UUID.nibble(text[offset + 1]) else { return false }
                out[position] = high << 4 | low
                offset += 2
            }
            return true
        }
        guard parsed else { return nil }
        self.init(uuid: value)
    }

    /// `init(text:)` over bytes.
    public init?(text: ArraySlice<UInt8>) {
        guard let value = text.withUnsafeBufferPointer({ UUID(text: $0) }) else { return nil }
        self = value
    }

    /// `init(text:)` over bytes.
    public init?(text: [UInt8]) {
        self.init(text: text[...])
    }

    /// `init(text:)` over a string's UTF-8.
    public init?(text: String) {
        var text = text
        guard let value = text.withUTF8({ UUID(text: $0) }) else { return nil }
        self = value
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
