import DocketTesting
import RedisClient
import Testing

@Suite struct RedisValuesTests {
    let keys = TestKeys()

    @Test func binaryValuesRoundTrip() async throws {
        let connection = try await RedisConnection.connect(configuration: TestEnvironment.redisConfiguration())
        let awkward: [UInt8] = [0, 13, 10, 0xFF, 0xFE, 0, 36, 42, 13, 10]
        try await connection.send("SET", keys("awkward"), awkward)
        #expect(try await connection.send("GET", keys("awkward")).bytes == awkward)

        let large = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await connection.send("SET", keys("large"), large)
        #expect(try await connection.send("GET", keys("large")).bytes == large)

        // A binary key, and an empty value.
        try await connection.send("SET", [0, 0xFF] + Array(keys.prefix.utf8), "")
        #expect(try await connection.send("GET", [0, 0xFF] + Array(keys.prefix.utf8)) == .bulk([]))
        #expect(try await connection.send("GET", keys("missing")) == .null)
    }

    @Test func repliesKeepTheirTypes() async throws {
        let connection = try await RedisConnection.connect(configuration: TestEnvironment.redisConfiguration())
        #expect(try await connection.send("PING") == .status("PONG"))
        #expect(try await connection.send("INCRBY", keys("n"), 41) == .integer(41))
        try await connection.send("RPUSH", keys("list"), "a", "b")
        #expect(try await connection.send("LRANGE", keys("list"), 0, -1) == .array([.bulk(Array("a".utf8)), .bulk(Array("b".utf8))]))
        #expect(try await connection.send("HGETALL", keys("absent")) == .array([]))
    }

    @Test func anErrorReplyLeavesTheConnectionUsable() async throws {
        let connection = try await RedisConnection.connect(configuration: TestEnvironment.redisConfiguration())
        try await connection.send("SET", keys("text"), "not a number")
        let error = await #expect(throws: RedisError.self) { try await connection.send("INCR", keys("text")) }
        #expect(error?.code == .errorReply)
        #expect(error?.message.hasPrefix("ERR") == true)
        await #expect(throws: RedisError.self) { try await connection.send("NOSUCHCOMMAND") }
        #expect(try await connection.send("PING") == .status("PONG"))
    }

    @Test func aPipelineIsOneRoundTripWithErrorsInPlace() async throws {
        let connection = try await RedisConnection.connect(configuration: TestEnvironment.redisConfiguration())
        let replies = try await connection.pipeline([
            RedisCommand("SET", keys("p"), "x"),
            RedisCommand("INCR", keys("p")),
            RedisCommand("GET", keys("p")),
        ] + (0..<500).map { RedisCommand("INCR", keys("counter\($0 % 5)")) })
        #expect(replies.count == 503)
        #expect(replies[0] == .status("OK"))
        if case .error = replies[1] {} else { Issue.record("expected an error reply in place, got \(replies[1])") }
        #expect(replies[2].string == "x")
        #expect(replies.last == .integer(100))
    }

    @Test func scriptsSurviveAFlushedScriptCache() async throws {
        let connection = try await RedisConnection.connect(configuration: TestEnvironment.redisConfiguration())
        let script = RedisScript("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('STRLEN', KEYS[1])")
        #expect(try await connection.eval(script, keys: [keys("s")], arguments: ["hello"]) == .integer(5))
        let loaded = try await connection.send("SCRIPT", "EXISTS", script.sha1)
        #expect(loaded == .array([.integer(1)]))
        try await connection.send("SCRIPT", "FLUSH")
        #expect(try await connection.eval(script, keys: [keys("s")], arguments: ["hi"]) == .integer(2))
    }

    @Test func sessionsRunSeveralCommandsInOneHop() async throws {
        let pool = RedisPool(configuration: try TestEnvironment.redisConfiguration(), maxConnections: 2)
        let key = keys("session")
        let total = try await pool.withSession { session in
            for _ in 0..<100 { try session.send("INCR", key) }
            return try session.send("GET", key).int
        }
        #expect(total == 100)
        await pool.shutdown()
    }

    @Test func thePoolServesConcurrentCallers() async throws {
        // A generous checkout deadline: this is about sharing, not speed, and
        // the whole suite competes for two cores.
        let pool = RedisPool(configuration: try TestEnvironment.redisConfiguration(), maxConnections: 4,
                             checkoutTimeout: .seconds(60))
        let key = keys("concurrent")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 { group.addTask { try await pool.send("INCR", key) } }
            try await group.waitForAll()
        }
        #expect(try await pool.send("GET", key).int == 200)
        await pool.shutdown()
    }

    @Test func urlsCarryPasswordAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://:p%40ss@10.1.2.3:6380/4")
        #expect(configuration.host == "10.1.2.3")
        #expect(configuration.port == 6380)
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == 4)
        #expect(throws: RedisError.self) { try RedisConfiguration(url: "redis://host/notanumber") }
        #expect(throws: RedisError.self) { try RedisConfiguration(url: "http://host") }
    }
}
