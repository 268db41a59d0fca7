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

    /// Appends the command in RESP, the form Redis reads off the wire:
    /// `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument. Formatting
    /// here, into one buffer for a whole pipeline, spares hiredis an sds
    /// allocation per command.
    func appendRESP(to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "*"))
        RedisCommand.appendDecimal(ends.count, to: &buffer)
        buffer.append(contentsOf: [13, 10])
        var start = 0
        for end in ends {
            buffer.append(UInt8(ascii: "$"))
            RedisCommand.appendDecimal(end - start, to: &buffer)
            buffer.append(contentsOf: [13, 10])
            buffer.append(contentsOf: bytes[start..<end])
            buffer.append(contentsOf: [13, 10])
            start = end
        }
    }

    private static func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value < 10 {
            buffer.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: [UInt8] = []
        var rest = value
        while rest > 0 {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        buffer.append(contentsOf: digits.reversed())
    }
}
