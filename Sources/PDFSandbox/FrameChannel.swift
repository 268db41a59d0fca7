import Foundation

/// Length-prefixed frames over a pair of pipes: 4 bytes of big-endian
/// length, then that many bytes (JSON, or raw bytes announced by the JSON
/// before them). Blocking: the parent calls it on a child's own thread.
public struct FrameChannel: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        /// The other end closed its pipe (a child that exited or was killed).
        case closed
        /// Nothing arrived before the deadline.
        case timedOut
        case io(Int32)
        case malformed(String)
    }

    /// One of each for every frame (a page's reply is one): configuration fixed, Sendable.
    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    /// Frames larger than this are refused as malformed.
    static let maxFrame = 64 << 20

    let input: Int32
    let output: Int32

    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    public func send(_ value: some Encodable) throws {
        let body = try Self.encoder.encode(value)
        var frame = [UInt8]()
        frame.reserveCapacity(body.count + 4)
        withUnsafeBytes(of: UInt32(body.count).bigEndian) { frame.append(contentsOf: $0) }
        frame.append(contentsOf: body)
        try write(frame)
    }

    /// Raw bytes after a frame that announced their count.
    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE ? Failure.closed : Failure.io(errno)
            }
            offset += written
        }
    }

    /// The next frame, decoded. `deadline` nil waits as long as it takes.
    public func receive<T: Decodable>(_ type: T.Type, until deadline: ContinuousClock.Instant? = nil) throws -> T {
        let header = try read(4, until: deadline)
        let length = header.withUnsafeBytes { Int(UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self))) }
        guard length <= Self.maxFrame else { throw Failure.malformed("a frame of \(length) bytes") }
        let body = try read(length, until: deadline)
        do {
            return try Self.decoder.decode(type, from: Data(body))
        } catch {
            throw Failure.malformed("\(error)")
        }
    }

    /// Exactly `count` bytes.
    public func read(_ count: Int, until deadline: ContinuousClock.Instant? = nil) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            if let deadline { try wait(until: deadline) }
            let got = bytes.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress! + offset, count - offset) }
            if got < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Failure.io(errno)
            }
            if got == 0 { throw Failure.closed }
            offset += got
        }
        return bytes
    }

    /// Returns once the input is readable (or closed); throws `timedOut` at the deadline.
    private func wait(until deadline: ContinuousClock.Instant) throws {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { throw Failure.timedOut }
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw Failure.io(errno) }
        }
    }
}
