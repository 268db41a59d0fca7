import CHiredis
import Foundation

/// Owns one hiredis `redisContext` and frees it. Only the owning
/// connection's thread touches it; it never leaves `RedisConnection`.
final class RedisContext {
    private let raw: UnsafeMutablePointer<redisContext>

    /// Connects, sets the socket timeout, authenticates and selects the database.
    init(configuration: RedisConfiguration) throws {
        guard let raw = redisConnectWithTimeout(
            configuration.host, Int32(configuration.port), timeval(configuration.connectTimeout)
        ) else {
            throw RedisError(.connectionFailed, "hiredis could not allocate a context")
        }
        if raw.pointee.err != 0 {
            let message = RedisContext.errorString(of: raw)
            redisFree(raw)
            throw RedisError(.connectionFailed, "\(configuration.host):\(configuration.port): \(message)")
        }
        if RedisContext.isConnectedToItself(raw.pointee.fd) {
            // Closed with a reset, not a FIN: a closed socket would sit in
            // TIME_WAIT for a minute and still keep the server off its port.
            var reset = linger(l_onoff: 1, l_linger: 0)
            setsockopt(raw.pointee.fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
            redisFree(raw)
            throw RedisError(
                .connectionFailed,
                "\(configuration.host):\(configuration.port): nothing listens there (the socket connected to itself)"
            )
        }
        self.raw = raw
        redisEnableKeepAlive(raw)
        if let timeout = configuration.commandTimeout {
            redisSetTimeout(raw, timeval(timeout))
        }
        if let password = configuration.password {
            let auth = configuration.username.map { RedisCommand("AUTH", $0, password) }
                ?? RedisCommand("AUTH", password)
            try expectOK(auth)
        }
        if configuration.database != 0 {
            try expectOK(RedisCommand("SELECT", configuration.database))
        }
    }

    deinit { redisFree(raw) }

    /// A client connecting to a loopback port inside the ephemeral range
    /// while nothing listens there can be handed that same port as its own
    /// and TCP's simultaneous open connects the socket to itself: every
    /// command would come back as its own reply, and the port stays taken
    /// so the server cannot bind it when it restarts.
    private static func isConnectedToItself(_ fd: Int32) -> Bool {
        var local = sockaddr_storage()
        var peer = sockaddr_storage()
        var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var peerLength = localLength
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
        }
        let peered = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &peerLength) }
        }
        guard named == 0, peered == 0, localLength == peerLength else { return false }
        return memcmp(&local, &peer, Int(localLength)) == 0
    }

    /// False once hiredis has seen an I/O or protocol error: the context is dead.
    var isUsable: Bool { raw.pointee.err == 0 }

    /// True when an idle connection has something to read: the server closed
    /// it (restart, `CLIENT KILL`, timeout) or sent an error before doing so.
    var hasUnaskedInput: Bool {
        var descriptor = pollfd(fd: raw.pointee.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    /// Sends one command and waits for its reply; error replies come back as `.error`.
    func execute(_ command: RedisCommand) throws -> RedisValue {
        var wire: [UInt8] = []
        wire.reserveCapacity(command.bytes.count + 16 * command.argumentCount + 8)
        command.appendRESP(to: &wire)
        try appendFormatted(wire)
        return try readReply()
    }

    /// Queues commands already in RESP in hiredis's output buffer; the next
    /// `readReply` writes them out in one go (pipelining).
    func appendFormatted(_ wire: [UInt8]) throws {
        let status = wire.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                redisAppendFormattedCommand(raw, chars.baseAddress, chars.count)
            }
        }
        guard status == REDIS_OK else { throw lostError() }
    }

    /// Flushes queued commands if needed and reads the next reply.
    func readReply() throws -> RedisValue {
        var reply: UnsafeMutableRawPointer?
        guard redisGetReply(raw, &reply) == REDIS_OK, let reply else { throw lostError() }
        defer { freeReplyObject(reply) }
        return RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self))
    }

    private func expectOK(_ command: RedisCommand) throws {
        let reply = try execute(command)
        if case .error(let message) = reply {
            throw RedisError(.errorReply, "\(String(decoding: command.bytes.prefix(6), as: UTF8.self)): \(message)")
        }
    }

    private func lostError() -> RedisError {
        RedisError(.connectionLost, RedisContext.errorString(of: raw))
    }

    private static func errorString(of raw: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: raw.pointee.errstr) { buffer in
            let bytes = buffer.prefix(while: { $0 != 0 })
            return bytes.isEmpty ? "unknown hiredis error" : String(decoding: bytes, as: UTF8.self)
        }
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

extension RedisValue {
    /// Copies a hiredis reply tree; the caller frees the tree afterwards.
    init(reply: UnsafePointer<redisReply>) {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            guard let str = node.str else { self = .bulk([]); return }
            self = .bulk(Array(UnsafeRawBufferPointer(start: str, count: Int(node.len))))
        case REDIS_REPLY_STATUS:
            self = .status(node.str.map { String(cString: $0) } ?? "")
        case REDIS_REPLY_ERROR:
            self = .error(node.str.map { String(cString: $0) } ?? "ERR (no message)")
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(node.integer))
        case REDIS_REPLY_ARRAY:
            guard let elements = node.element else { self = .array([]); return }
            self = .array((0..<Int(node.elements)).map { index in
                elements[index].map { RedisValue(reply: $0) } ?? .null
            })
        default:
            self = .null
        }
    }
}
