import Foundation

/// One TCP connection to 127.0.0.1:`port`, written and read by hand.
/// `@unchecked Sendable` so a test can hand it to the thread that does its
/// blocking I/O (`HTTPTestClient.offPool`): one user at a time, in turn —
/// the test awaits that thread before it touches the connection again.
public final class RawHTTPConnection: @unchecked Sendable {
    private let fd: Int32
    private var closed = false

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPTestError("socket failed") }
        let descriptor = fd
        let connected = LoopbackAddress.with(port: port) { connect(descriptor, $0, $1) }
        guard connected == 0 else {
            // `self` is whole here, so throwing runs deinit: close through
            // `close()`, which marks the descriptor closed. Closing the raw
            // number as well (as this did) closed it twice, and by then
            // another thread could own that number: a chromedriver
            // socket in the browser tests failed with EBADF.
            close()
            throw HTTPTestError("cannot connect to 127.0.0.1:\(port)")
        }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    public func writeHead(_ method: String, _ path: String, headers: [String: String], contentLength: Int?) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let contentLength, headers.keys.allSatisfy({ $0.lowercased() != "content-length" }) {
            head += "Content-Length: \(contentLength)\r\n"
        }
        try write(Array((head + "\r\n").utf8))
    }

    public func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw HTTPTestError("send failed: errno \(errno)") }
            sent += n
        }
    }

    /// Sends `count` bytes of the open file `descriptor` from its start,
    /// by sendfile(2): the kernel moves them without a copy through this
    /// process (a benchmark's client should cost the machine little).
    public func sendFile(_ descriptor: Int32, count: Int) throws {
        var offset = off_t(0)
        while offset < count {
            let n = sendfile(fd, descriptor, &offset, count - Int(offset))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HTTPTestError("sendfile failed: errno \(errno)") }
        }
    }

    /// Reads one response head, byte by byte so nothing after it is taken
    /// (an interim `100 Continue` is followed by the final response), and
    /// returns its status; fails after `seconds` without one.
    public func readHead(seconds: Int = 10) throws -> Int {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        defer {
            var restored = timeval(tv_sec: 60, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &restored, socklen_t(MemoryLayout<timeval>.size))
        }
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual("\r\n\r\n".utf8) {
            let n = recv(fd, &byte, 1, 0)
            if n == 1 { head.append(byte) } else if n < 0, errno == EINTR { continue } else {
                throw HTTPTestError("no response head within \(seconds) s")
            }
        }
        return try Self.parse(head).status
    }

    /// Reads until the server closes, then parses the response.
    public func readResponse() throws -> HTTPTestResponse {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
            if n > 0 { data += buffer[0..<n] } else if n == 0 { break } else if errno == EINTR { continue } else {
                if data.isEmpty { throw HTTPTestError("no response: errno \(errno)") }
                break
            }
        }
        return try Self.parse(data)
    }

    /// Closes abruptly: the server sees the client go away.
    public func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(fd)
    }

    static func parse(_ data: [UInt8]) throws -> HTTPTestResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = data.firstRange(of: separator) else { throw HTTPTestError("incomplete response head") }
        let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw HTTPTestError("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return HTTPTestResponse(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ raw: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        let crlf: [UInt8] = [13, 10]
        while true {
            guard let lineEnd = raw[index...].firstRange(of: crlf) else { throw HTTPTestError("bad chunk") }
            let sizeText = String(decoding: raw[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0]
            guard let size = Int(sizeText, radix: 16) else { throw HTTPTestError("bad chunk size") }
            index = lineEnd.upperBound
            if size == 0 { return out }
            out += raw[index..<index + size]
            index += size + 2
        }
    }
}
