import BlockingIO
import DocketTesting
import Synchronization
import Testing

/// A stand-in connection for the pool's own logic (no server involved).
final class CountedConnection: PooledConnection {
    let id: Int
    let broken = Atomic<Bool>(false)
    let closed = Atomic<Bool>(false)
    init(id: Int) { self.id = id }
    var isBroken: Bool { broken.load(ordering: .relaxed) }
    func close() async { closed.store(true, ordering: .relaxed) }
}

final class ConnectionCounter: Sendable {
    let made = Atomic<Int>(0)
    func make() -> CountedConnection { CountedConnection(id: made.add(1, ordering: .relaxed).newValue) }
}

@Suite struct ConnectionPoolTests {
    @Test func reusesAnIdleConnection() async throws {
        let counter = ConnectionCounter()
        let pool = ConnectionPool(maxConnections: 2, checkoutTimeout: .seconds(1)) { counter.make() }
        let first = try await pool.withConnection { $0.id }
        let second = try await pool.withConnection { $0.id }
        #expect(first == second)
        let opened = counter.made.load(ordering: .relaxed)
        #expect(opened == 1)
    }

    @Test func neverOpensMoreThanItsMaximum() async throws {
        let counter = ConnectionCounter()
        // Generous deadlines: these tests are about sharing, and the whole suite competes for two cores.
        let pool = ConnectionPool(maxConnections: 3, checkoutTimeout: .seconds(60)) { counter.make() }
        let inUse = ConnectionCounter()
        let peak = ConnectionCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await pool.withConnection { _ in
                        let now = inUse.made.add(1, ordering: .relaxed).newValue
                        peak.made.max(now, ordering: .relaxed)
                        try await Task.sleep(for: .milliseconds(2))
                        inUse.made.subtract(1, ordering: .relaxed)
                    }
                }
            }
            try await group.waitForAll()
        }
        let highest = peak.made.load(ordering: .relaxed)
        #expect(highest <= 3)
        let opened = counter.made.load(ordering: .relaxed)
        #expect(opened == 3)
    }

    @Test func anExhaustedPoolFailsAtItsDeadline() async throws {
        let pool = ConnectionPool(maxConnections: 1, checkoutTimeout: .milliseconds(150)) { ConnectionCounter().make() }
        let holder = Task { try await pool.withConnection { _ in try await Task.sleep(for: .seconds(10)) } }
        try await eventually("the holder has the connection") { pool.statistics == (open: 1, idle: 0, waiting: 0) }
        let clock = ContinuousClock()
        let start = clock.now
        // The holder keeps its connection for ten seconds: had the caller not
        // given up at its deadline, it would have got that connection.
        let error = await #expect(throws: ConnectionPoolError.self) {
            try await pool.withConnection { _ in }
        }
        #expect(error?.code == .checkoutTimeout(.milliseconds(150)))
        #expect(clock.now - start >= .milliseconds(140))
        holder.cancel()
    }

    @Test func aWaiterGetsTheConnectionWhenItIsReturned() async throws {
        let pool = ConnectionPool(maxConnections: 1, checkoutTimeout: .seconds(60)) { ConnectionCounter().make() }
        // The holder keeps the connection until it is cancelled, by which
        // time the waiter is known to be queued.
        let holder = Task { try await pool.withConnection { _ in try await Task.sleep(for: .seconds(60)) } }
        try await eventually("the holder has the connection") { pool.statistics == (open: 1, idle: 0, waiting: 0) }
        let waiter = Task { try await pool.withConnection { _ in } }
        try await eventually("the waiter is queued") { pool.statistics.waiting == 1 }
        holder.cancel()
        try await waiter.value
        #expect(pool.statistics == (open: 1, idle: 1, waiting: 0))
    }

    @Test func aBrokenConnectionIsClosedAndReplaced() async throws {
        let counter = ConnectionCounter()
        let pool = ConnectionPool(maxConnections: 1, checkoutTimeout: .seconds(1)) { counter.make() }
        let first = try await pool.withConnection { connection in
            connection.broken.store(true, ordering: .relaxed)
            return connection
        }
        let secondID = try await pool.withConnection { $0.id }
        #expect(secondID != first.id)
        let opened = counter.made.load(ordering: .relaxed)
        #expect(opened == 2)
        // The pool closes it in a task of its own, so it may take a moment.
        try await eventually("the broken connection closed") { first.closed.load(ordering: .relaxed) }
    }

    @Test func aFailedOpenGivesTheSlotBack() async throws {
        struct Refused: Error {}
        let attempts = ConnectionCounter()
        let pool = ConnectionPool(maxConnections: 1, checkoutTimeout: .seconds(1)) { () async throws -> CountedConnection in
            if attempts.made.add(1, ordering: .relaxed).newValue == 1 { throw Refused() }
            return CountedConnection(id: 7)
        }
        await #expect(throws: Refused.self) { try await pool.withConnection { _ in } }
        #expect(try await pool.withConnection { $0.id } == 7)
    }
}
