/// One `Range: bytes=…` request (RFC 9110 §14.1.2) resolved against a
/// blob's size. Several ranges, or any that cannot be satisfied, are
/// ignored: the whole blob is sent with 200, which the RFC allows.
struct ByteRange: Equatable {
    let offset: Int64
    let length: Int64

    var last: Int64 { offset + length - 1 }

    /// The range `header` asks for within `size` bytes, or nil for the whole blob.
    init?(header: String?, size: Int64) {
        guard let header, size > 0 else { return nil }
        let trimmed = header.trimmingPrefix(" ")
        guard trimmed.hasPrefix("bytes=") else { return nil }
        let spec = trimmed.dropFirst("bytes=".count)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], second = spec[spec.index(after: dash)...]
        if first.isEmpty {
            // bytes=-N: the last N bytes.
            guard let suffix = Int64(second), suffix > 0 else { return nil }
            let length = min(suffix, size)
            self.init(offset: size - length, length: length)
            return
        }
        guard let start = Int64(first), start >= 0, start < size else { return nil }
        var end = size - 1
        if !second.isEmpty {
            guard let requested = Int64(second), requested >= start else { return nil }
            end = min(requested, size - 1)
        }
        self.init(offset: start, length: end - start + 1)
    }

    init(offset: Int64, length: Int64) {
        self.offset = offset
        self.length = length
    }
}
