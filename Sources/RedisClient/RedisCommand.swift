/// One command with its arguments, flattened into a single byte buffer so
/// that it crosses to the connection's thread as one value and reaches
/// hiredis's argv call without further copies.
public struct RedisCommand: Sendable {
    var bytes: [UInt8] = []
    var ends: [Int] = []

    public init(_ name: String, _ arguments: [any RedisArgument] = []) {
        bytes.reserveCapacity(name.utf8.count + arguments.count * 16)
        ends.reserveCapacity(arguments.count + 1)
        append(name)
        for argument in arguments { append(argument) }
    }

    public init(_ name: String, _ arguments: any RedisArgument...) {
        self.init(name, arguments)
    }

    /// Adds one more argument.
    public mutating func append(_ argument: some RedisArgument) {
        argument.appendRedisBytes(to: &bytes)
        ends.append(bytes.count)
    }

    public var argumentCount: Int { ends.count }

    /// Lends hiredis the argv and argvlen arrays for the duration of `body`.
    func withArgv<R>(
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) throws -> R
    ) rethrows -> R {
        // An all-empty command still needs a valid address.
        let storage = bytes.isEmpty ? [0] : bytes
        return try storage.withUnsafeBufferPointer { raw in
            let base = UnsafeRawPointer(raw.baseAddress!)
            var argv: [UnsafePointer<CChar>?] = []
            var lengths: [Int] = []
            argv.reserveCapacity(ends.count)
            lengths.reserveCapacity(ends.count)
            var start = 0
            for end in ends {
                argv.append((base + start).assumingMemoryBound(to: CChar.self))
                lengths.append(end - start)
                start = end
            }
            return try argv.withUnsafeMutableBufferPointer { argvBuffer in
                try lengths.withUnsafeBufferPointer { lengthBuffer in
                    try body(Int32(ends.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
                }
            }
        }
    }

}
