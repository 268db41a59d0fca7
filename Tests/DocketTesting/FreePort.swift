import Foundation

/// A loopback TCP port nobody listens on right now, chosen below the
/// kernel's ephemeral range. A port inside that range can be taken by any
/// outgoing connection while a test's server is down — or by a client
/// reconnecting to that very port, which TCP then connects to itself — and
/// the restarted server cannot bind it.
public enum FreePort {
    public static func make() throws -> Int {
        let ceiling = ephemeralRangeStart() - 1
        let floor = min(10_000, ceiling - 1_000)
        for _ in 0..<200 {
            let port = Int.random(in: floor...ceiling)
            if isBindable(port) { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// The first port the kernel hands out to outgoing connections.
    public static func ephemeralRangeStart() -> Int {
        let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let first = text?.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first
        return first.flatMap { Int($0) } ?? 32_768
    }

    /// Whether a server could listen on `port` now. Binds with
    /// SO_REUSEADDR, as Redis and Postgres do: a closed connection's
    /// TIME_WAIT does not keep them off a port.
    public static func isBindable(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        return LoopbackAddress.with(port: port) { bind(fd, $0, $1) == 0 }
    }
}
