import Foundation

/// 127.0.0.1:`port` in the form the socket calls take, for the harness's
/// hand-made sockets (test connections, port probes, WebDriver).
public enum LoopbackAddress {
    /// Calls `body` with the address and its length, for `bind` or `connect`.
    public static func with<R>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
