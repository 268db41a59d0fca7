import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal HTTP/1.1 client for a server on 127.0.0.1 — just what chromedriver needs.
///
/// Why not URLSession: on Linux, swift-corelibs-foundation (through Swift 6.3) aborts on response
/// headers without a space after the colon, and chromedriver sends exactly those
/// (`Content-Length:251`), so every request fails with NSURLErrorDomain -1 "Failed writing header"
/// (fixed upstream by swift-corelibs-foundation PR #5527, not yet in a release).
/// WebDriver needs one request per connection, JSON bodies and Content-Length framing; that is
/// less code than any workaround and has no dependencies.
struct LoopbackHTTPClient: Sendable {
    let port: Int

    struct Response: Sendable {
        let status: Int
        let body: Data
    }

    /// Sends one request on a fresh connection. chromedriver ignores `Connection: close` and
    /// keeps the socket open, so the body is framed by its Content-Length (always sent) and we
    /// close first; the per-command TIME_WAIT sockets that leaves are harmless at test volumes.
    /// - Parameter timeout: idle timeout per socket read/write, in whole seconds (minimum 1).
    func request(method: String, path: String, body: Data?, timeout: Int) async throws -> Response {
        // Blocking socket I/O runs on a thread of its own: a parked cooperative-pool thread would
        // stall every other task (the pool has one thread per core, i.e. two on CI).
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try perform(method: method, path: path, body: body, timeout: max(1, timeout))
                })
            }.start()
        }
    }

    private func perform(method: String, path: String, body: Data?, timeout: Int) throws -> Response {
        let endpoint = "\(method) \(path)"
        func failure(_ what: String) -> WebDriverError {
            .transport(endpoint: endpoint, reason: "\(what) (127.0.0.1:\(port)): \(String(cString: strerror(errno)))")
        }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw failure("socket") }
        defer { close(fd) }
        var idle = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &idle, socklen_t(MemoryLayout<timeval>.size))

        let connected = LoopbackAddress.with(port: port) { connect(fd, $0, $1) == 0 }
        guard connected else { throw failure("connect") }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\n"
        head += "Connection: close\r\nContent-Length: \(body?.count ?? 0)\r\n"
        if body != nil { head += "Content-Type: application/json; charset=utf-8\r\n" }
        var request = Data((head + "\r\n").utf8)
        if let body { request.append(body) }
        try request.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if os(Linux)
                let flags = Int32(MSG_NOSIGNAL)  // a closed peer must not SIGPIPE the test process
                #else
                let flags: Int32 = 0
                #endif
                let sent = send(fd, buffer.baseAddress! + offset, buffer.count - offset, flags)
                if sent < 0 && errno == EINTR { continue }
                guard sent > 0 else { throw failure("send") }
                offset += sent
            }
        }
        return try readResponse(fd: fd, failure: failure)
    }

    private func readResponse(fd: Int32, failure: (String) -> WebDriverError) throws -> Response {
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var header: (status: Int, bodyStart: Int, length: Int?)?
        while true {
            if let header, let length = header.length, received.count - header.bodyStart >= length { break }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw failure(errno == EAGAIN || errno == EWOULDBLOCK ? "read timed out" : "recv") }
            if count == 0 { break }  // EOF: the server closed the connection after the response
            received.append(contentsOf: chunk[0..<count])
            if header == nil, let end = received.range(of: Data("\r\n\r\n".utf8)) {
                header = try parseHead(String(decoding: received[..<end.lowerBound], as: UTF8.self), failure)
                header?.bodyStart = end.upperBound
            }
        }
        guard let header else { errno = 0; throw failure("connection closed before a complete response") }
        let end = header.length.map { min(received.count, header.bodyStart + $0) } ?? received.count
        return Response(status: header.status, body: received.subdata(in: header.bodyStart..<end))
    }

    /// Status code and Content-Length; header names are case-insensitive and the space after the
    /// colon is optional (RFC 9110 §5.5) — the very detail URLSession gets wrong.
    private func parseHead(_ head: String, _ failure: (String) -> WebDriverError) throws -> (Int, Int, Int?) {
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            errno = 0
            throw failure("malformed status line '\(lines.first ?? "")'")
        }
        var length: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            if line[..<colon].lowercased() == "content-length" {
                length = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
        }
        return (status, 0, length)
    }
}
