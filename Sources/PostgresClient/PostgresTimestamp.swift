import Foundation

/// `timestamptz` in the text form a session with `DateStyle=ISO` and
/// `TimeZone=UTC` (set on every connection) reads and writes:
/// `2026-11-22 02:35:16.123456+00`.
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(29)
        append(date, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends the text form to `text`: array literals are written straight
    /// into their buffer, one timestamp per job of a batch.
    static func append(_ date: Date, to text: inout [UInt8]) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        var seconds = time_t((micros / 1_000_000).rounded(.down))
        let fraction = Int(micros - Double(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Digits by hand: `String(format:)` cost more than the rest of a
        // batch insert's binding (measured, 1,000 timestamps per batch).
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        text.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        text.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        text.append(UInt8(ascii: " "))
        digits(Int(parts.tm_hour), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        text.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        text.append(UInt8(ascii: "."))
        digits(fraction, 6)
        text.append(contentsOf: "+00".utf8)
    }

    static func parse(_ text: ArraySlice<UInt8>) throws -> Date {
        var scanner = DigitScanner(text)
        guard let year = scanner.number(), scanner.skip("-"), let month = scanner.number(), scanner.skip("-"),
              let day = scanner.number(), scanner.skip(" ") || scanner.skip("T"),
              let hour = scanner.number(), scanner.skip(":"), let minute = scanner.number(), scanner.skip(":"),
              let second = scanner.number()
        else { throw PostgresError(.decoding, "not a timestamp") }
        var micros = 0
        if scanner.skip(".") {
            let (digits, count) = scanner.numberWithWidth()
            micros = digits * Int(pow(10, Double(6 - min(count, 6))))
        }
        var offsetSeconds = 0
        if let sign = scanner.sign() {
            let hours = scanner.number() ?? 0
            let minutes = scanner.skip(":") ? (scanner.number() ?? 0) : 0
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch - offsetSeconds) + Double(micros) / 1_000_000)
    }
}

/// Reads the numbers of a timestamp one field at a time.
private struct DigitScanner {
    var text: ArraySlice<UInt8>

    init(_ text: ArraySlice<UInt8>) { self.text = text }

    mutating func number() -> Int? {
        let (value, count) = numberWithWidth()
        return count > 0 ? value : nil
    }

    mutating func numberWithWidth() -> (Int, Int) {
        var value = 0
        var count = 0
        while let byte = text.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            count += 1
            text = text.dropFirst()
        }
        return (value, count)
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard text.first == UInt8(ascii: character) else { return false }
        text = text.dropFirst()
        return true
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
