import DocketTesting
import Foundation
@testable import RedisClient
import Testing

/// A client reconnecting to a loopback port inside the ephemeral range while
/// nothing listens there is, sooner or later, handed that port as its own and
/// TCP connects the socket to itself. Seen in CI: a worker reconnecting to a
/// restarting Redis held the server's port, so the server could not bind it.
@Suite struct RedisSelfConnectionTests {
    @Test func aSocketConnectedToItselfIsRefusedAndItsPortFreed() async throws {
        let start = FreePort.ephemeralRangeStart()
        // Linux gives connect() even ports first; aim at a free one.
        let port = try #require(stride(from: start + 2_000 & ~1, to: start + 20_000, by: 2).first(where: FreePort.isBindable))
        let configuration = RedisConfiguration(host: "127.0.0.1", port: port)
        // Thousands of blocking connects: on a thread of their own, not the
        // cooperative pool the other tests run on.
        let (selfConnections, otherErrors, connected) = try await HTTPTestClient.offPool { () -> (Int, Int, Bool) in
            var others = 0
            for _ in 0..<60_000 {
                do {
                    _ = try RedisContext(configuration: configuration)
                    return (0, others, true)
                } catch let error as RedisError {
                    if error.description.contains("connected to itself") { return (1, others, false) }
                    if error.code != .connectionFailed { others += 1 }
                }
            }
            return (0, others, false)
        }
        #expect(!connected, "connected to 127.0.0.1:\(port), where nothing listens")
        #expect(otherErrors == 0)
        // Linux walks its ephemeral range and reaches the target port well
        // within 60,000 tries (within a handful, measured here).
        #expect(selfConnections == 1)
        // The self-connected socket is gone. (Not "the port binds": the
        // suite's other connections draw local ports from the same range,
        // and one of them held this port in a CI run.)
        #expect(try Self.selfConnectedSockets(port: port) == 0)
    }

    /// Sockets connected from 127.0.0.1:`port` to itself and not yet in
    /// TIME_WAIT, from /proc/net/tcp (addresses in hex, state 06 = TIME_WAIT).
    static func selfConnectedSockets(port: Int) throws -> Int {
        let address = "0100007F:" + String(format: "%04X", port)
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        return table.split(separator: "\n").dropFirst().filter { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[1] == address && fields[2] == address && fields[3] != "06"
        }.count
    }
}
