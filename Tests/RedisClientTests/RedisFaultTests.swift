import DocketTesting
import Foundation
import RedisClient
import Testing

/// Servers going away, passwords, blocking commands: each on a private
/// redis-server so no other test is disturbed.
@Suite struct RedisFaultTests {
    @Test func theNextCommandAfterARestartReconnects() async throws {
        let server = try PrivateRedisServer()
        try await server.start()
        let connection = try await RedisConnection.connect(configuration: server.configuration)
        try await connection.send("SET", "k", "before")
        await server.stop()
        try await server.start()
        // The server's AOF kept the value; the stale socket was noticed and replaced.
        #expect(try await connection.send("GET", "k").string == "before")
    }

    @Test func aCommandWaitsForAServerThatComesBackWithinTheWindow() async throws {
        let server = try PrivateRedisServer()
        try await server.start()
        var configuration = server.configuration
        // Far longer than the restart takes: on a loaded CI machine a
        // redis-server took more than the 5 s this was to come back.
        configuration.reconnectWindow = .seconds(60)
        let connection = try await RedisConnection.connect(configuration: configuration)
        await server.stop()
        let restart = Task {
            try await Task.sleep(for: .milliseconds(300))
            try await server.start()
        }
        #expect(try await connection.send("PING") == .status("PONG"))
        try await restart.value
    }

    @Test func aServerThatStaysDownFailsWithConnectionFailed() async throws {
        let server = try PrivateRedisServer()
        var configuration = server.configuration
        configuration.reconnectWindow = .milliseconds(200)
        let connection = RedisConnection(configuration: configuration)
        let error = await #expect(throws: RedisError.self) { try await connection.send("PING") }
        #expect(error?.code == .connectionFailed)
    }

    @Test func authAndSelectFollowTheURL() async throws {
        let server = try PrivateRedisServer()
        try await server.start()
        let admin = RedisConnection(configuration: server.configuration)
        try await admin.send("SET", "where", "db0")
        try await admin.send("CONFIG", "SET", "requirepass", "s3cret")

        let configuration = try RedisConfiguration(url: "redis://:s3cret@127.0.0.1:\(server.port)/3")
        let connection = try await RedisConnection.connect(configuration: configuration)
        try await connection.send("SET", "where", "db3")
        #expect(try await connection.send("GET", "where").string == "db3")
        try await connection.send("SELECT", 0)
        #expect(try await connection.send("GET", "where").string == "db0")

        let wrong = try RedisConfiguration(url: "redis://:nope@127.0.0.1:\(server.port)/0")
        let error = await #expect(throws: RedisError.self) { try await RedisConnection.connect(configuration: wrong) }
        #expect(error?.code == .errorReply)
    }

    @Test func aBlockingCommandReturnsWhatArrives() async throws {
        let keys = TestKeys()
        let base = try TestEnvironment.redisConfiguration()
        // The wait is long and the push ends it: a loaded machine may take
        // seconds to get the BLMOVE to the server, and a short wait could
        // time out before the push (a fixed pause raced it before that).
        let blocking = try await RedisConnection.connect(configuration: base.forBlockingCommands(upTo: .seconds(120)))
        let pusher = try await RedisConnection.connect(configuration: base)
        let waiter = Task { try await blocking.send("BLMOVE", keys("src"), keys("dst"), "LEFT", "RIGHT", 120) }
        try await eventually("BLMOVE blocked", within: 60) {
            try await pusher.send("CLIENT", "LIST").string?.contains("cmd=blmove") == true
        }
        try await pusher.send("RPUSH", keys("src"), "job-1")
        #expect(try await waiter.value.string == "job-1")
    }

    @Test func aCommandPastItsSocketTimeoutLosesTheConnectionThenRecovers() async throws {
        var configuration = try TestEnvironment.redisConfiguration()
        // One second, not less: the timeout also bounds the reconnect and
        // PING that follow, and 200 ms ran out on a loaded CI machine.
        configuration.commandTimeout = .seconds(1)
        let connection = try await RedisConnection.connect(configuration: configuration)
        let error = await #expect(throws: RedisError.self) {
            try await connection.send("BLPOP", TestKeys()("never"), 5)
        }
        #expect(error?.code == .connectionLost)
        #expect(try await connection.send("PING") == .status("PONG"))
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
