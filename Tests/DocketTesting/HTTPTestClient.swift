import BlockingIO
import Foundation

/// A plain HTTP/1.1 client over a socket of its own, for tests of a live
/// server: whole requests, and the partial ones a real client sends when it
/// stalls or goes away mid-body. The blocking I/O runs on threads of its
/// own, never on the cooperative pool.
public struct HTTPTestClient: Sendable {
    public let port: Int

    public init(port: Int) { self.port = port }

    /// Sends one request (`Connection: close`) and reads the whole response.
    public func send(
        _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8]? = nil
    ) async throws -> HTTPTestResponse {
        let port = self.port
        return try await Self.offPool {
            let connection = try RawHTTPConnection(port: port)
            try connection.writeHead(method, path, headers: headers, contentLength: body?.count)
            if let body { try connection.write(body) }
            return try connection.readResponse()
        }
    }

    /// A connection to send a request by hand: a head, some of a body, then
    /// a pause or a close.
    public func open() throws -> RawHTTPConnection { try RawHTTPConnection(port: port) }

    /// Runs blocking socket work on a thread of its own (`OwnThread`).
    public static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await OwnThread.run(work)
    }
}

/// A response: status, headers (names lower-cased) and body.
public struct HTTPTestResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object.
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw HTTPTestError("not a JSON object: \(text)")
        }
        return object
    }

    /// The `error_code` of a problem+json body, or nil.
    public var errorCode: String? { (try? json())?["error_code"] as? String }
}

public struct HTTPTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
