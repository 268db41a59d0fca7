import Foundation
import Synchronization

/// Time-ordered ids (RFC 9562 UUIDv7): 48 bits of Unix milliseconds, then a
/// 12-bit counter that keeps ids made in the same millisecond in order, then
/// 62 random bits. Ordered ids make keyset paging (`id > $after ORDER BY id`)
/// follow creation order and keep B-tree inserts at the right edge.
public enum UUIDv7 {
    private static let shared = UUIDv7Generator()

    /// A new id, greater than every id this process made before.
    public static func make() -> UUID { shared.make(now: Date()) }

    /// The creation time encoded in a UUIDv7, to the millisecond.
    public static func timestamp(of id: UUID) -> Date {
        let bytes = id.uuid
        let milliseconds = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5]
            .reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

/// Makes UUIDv7s that increase strictly, whatever the clock does.
public final class UUIDv7Generator: Sendable {
    private let last = Mutex<(milliseconds: UInt64, counter: UInt16)>((0, 0))

    public init() {}

    /// A new id for `now`, greater than every id this generator made before.
    public func make(now: Date) -> UUID {
        var milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let counter: UInt16 = last.withLock { last in
            if milliseconds > last.milliseconds {
                last = (milliseconds, UInt16.random(in: 0..<0x400))
            } else if last.counter < 0xFFF {
                // Same (or earlier: the clock stepped back) millisecond: count up.
                milliseconds = last.milliseconds
                last.counter += 1
            } else {
                // Counter spent: borrow the next millisecond.
                milliseconds = last.milliseconds + 1
                last = (milliseconds, 0)
            }
            return last.counter
        }
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | UInt8(counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: tail >> (8 * UInt64(index - 8))) }
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }
}
