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

    /// `count` new ids in increasing order, greater than every id this
    /// process made before: one clock read, one lock and one getrandom(2)
    /// for all, where `count` calls of `make()` made `count` system calls
    /// (`perf`: the kernel's random generator was the enqueuing process's
    /// top symbol during a batch enqueue).
    public static func make(count: Int) -> [UUID] { shared.make(count: count, now: Date()) }

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
    public func make(now: Date) -> UUID { make(count: 1, now: now)[0] }

    /// `count` new ids for `now`, increasing, each greater than every id
    /// this generator made before.
    public func make(count: Int, now: Date) -> [UUID] {
        guard count > 0 else { return [] }
        let stamps = reserve(count, milliseconds: UInt64(max(0, now.timeIntervalSince1970 * 1000)))
        var tails = [UInt64](repeating: 0, count: count)
        tails.withUnsafeMutableBytes { Self.fillRandom($0) }
        return (0..<count).map { Self.id(milliseconds: stamps[$0].milliseconds, counter: stamps[$0].counter, tail: tails[$0]) }
    }

    /// The next `count` (millisecond, counter) pairs, in order.
    private func reserve(_ count: Int, milliseconds now: UInt64) -> [(milliseconds: UInt64, counter: UInt16)] {
        last.withLock { last in
            (0..<count).map { _ in
                if now > last.milliseconds {
                    last = (now, UInt16.random(in: 0..<0x400))
                } else if last.counter < 0xFFF {
                    // Same (or earlier: the clock stepped back) millisecond: count up.
                    last.counter += 1
                } else {
                    // Counter spent: borrow the next millisecond.
                    last = (last.milliseconds + 1, 0)
                }
                return last
            }
        }
    }

    /// Version 7 and the variant in their bits; 62 random bits after the counter.
    private static func id(milliseconds: UInt64, counter: UInt16, tail: UInt64) -> UUID {
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
        return UUID(uuid: (
            byte(milliseconds, 40), byte(milliseconds, 32), byte(milliseconds, 24), byte(milliseconds, 16),
            byte(milliseconds, 8), byte(milliseconds, 0), 0x70 | UInt8(counter >> 8), UInt8(truncatingIfNeeded: counter),
            0x80 | (byte(tail, 0) & 0x3F), byte(tail, 8), byte(tail, 16), byte(tail, 24),
            byte(tail, 32), byte(tail, 40), byte(tail, 48), byte(tail, 56)
        ))
    }

    /// Fills `buffer` from the kernel's CSPRNG, retrying short reads and EINTR.
    /// No input reaches a failure: with these flags getrandom(2) fails only
    /// for a bad pointer or a kernel without the call (EFAULT, ENOSYS), where
    /// the standard library's `SystemRandomNumberGenerator` traps as well.
    private static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while filled < buffer.count {
            let got = getrandom(buffer.baseAddress! + filled, buffer.count - filled, 0)
            if got > 0 { filled += got } else if errno != EINTR { fatalError("getrandom failed: errno \(errno)") }
        }
    }
}

/// getrandom(2) from sys/random.h, which Swift's Glibc module leaves out:
/// ssize_t getrandom(void *buf, size_t buflen, unsigned int flags).
@_silgen_name("getrandom")
private func getrandom(_ buffer: UnsafeMutableRawPointer, _ length: Int, _ flags: UInt32) -> Int
