/// Synchronous access to a connection, lent for the length of one
/// `RedisConnection.withSession` call. Everything done through it runs on
/// the connection's own thread in a single hop, so a sequence of commands
/// costs round trips only. Error replies throw `RedisError.errorReply`.
public struct RedisSession: ~Copyable {
    let context: RedisContext

    /// One command, one round trip.
    @discardableResult
    public func send(_ command: RedisCommand) throws -> RedisValue {
        try RedisSession.unwrap(context.execute(command))
    }

    @discardableResult
    public func send(_ name: String, _ arguments: any RedisArgument...) throws -> RedisValue {
        try send(RedisCommand(name, arguments))
    }

    /// Many commands, one round trip. Error replies stay in the result as
    /// `.error`, in their command's place; a lost connection throws.
    public func pipeline(_ commands: [RedisCommand]) throws -> [RedisValue] {
        var wire: [UInt8] = []
        wire.reserveCapacity(commands.reduce(0) { $0 + $1.bytes.count + 16 * $1.argumentCount + 8 })
        for command in commands { command.appendRESP(to: &wire) }
        try context.appendFormatted(wire)
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try context.readReply()) }
        return replies
    }

    /// Runs a script by its SHA-1, sending the source only when the server
    /// does not have it cached.
    @discardableResult
    public func eval(
        _ script: RedisScript, keys: [any RedisArgument] = [], arguments: [any RedisArgument] = []
    ) throws -> RedisValue {
        do {
            return try send(script.evalsha(keys: keys, arguments: arguments))
        } catch let error as RedisError where error.isNoScript {
            return try send(script.eval(keys: keys, arguments: arguments))
        }
    }

    static func unwrap(_ value: RedisValue) throws -> RedisValue {
        if case .error(let message) = value { throw RedisError(.errorReply, message) }
        return value
    }
}
