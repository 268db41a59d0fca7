import Synchronization

/// A connection a `ConnectionPool` can hand out.
public protocol PooledConnection: AnyObject, Sendable {
    /// True once the connection is known to be unusable; the pool then drops
    /// it and opens a new one for the next caller.
    var isBroken: Bool { get }
    /// Frees the connection's resources. Called once, by the pool.
    func close() async
}

/// A bounded pool of connections shared by concurrent callers.
///
/// At most `maxConnections` are open; a caller that finds none free waits in
/// line until one is returned or `checkoutTimeout` passes. Broken connections
/// are dropped on return and replaced lazily. State changes happen under a
/// lock; continuations are resumed after it is released.
public final class ConnectionPool<Connection: PooledConnection>: Sendable {
    public typealias Factory = @Sendable () async throws -> Connection

    private let maxConnections: Int
    private let checkoutTimeout: Duration
    private let factory: Factory
    private let state: Mutex<PoolState<Connection>>

    public init(maxConnections: Int, checkoutTimeout: Duration, factory: @escaping Factory) {
        precondition(maxConnections > 0, "a pool needs at least one connection")  // programmer error
        self.maxConnections = maxConnections
        self.checkoutTimeout = checkoutTimeout
        self.factory = factory
        self.state = Mutex(PoolState())
    }

    /// Runs `body` with a connection of its own, returning it afterwards.
    public func withConnection<R: Sendable>(
        _ body: (Connection) async throws -> R
    ) async throws -> R {
        let connection = try await checkout()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// How many connections are open and how many callers wait; for tests and metrics.
    public var statistics: (open: Int, idle: Int, waiting: Int) {
        state.withLock { ($0.open, $0.idle.count, $0.waiters.count) }
    }

    /// Closes idle connections and fails every waiting caller; connections in
    /// use are closed when they come back.
    public func shutdown() async {
        let (idle, waiters) = state.withLock { state in
            state.isShutdown = true
            defer { state.idle.removeAll(); state.waiters.removeAll() }
            state.open -= state.idle.count
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: ConnectionPoolError(.shutdown)) }
        for connection in idle { await connection.close() }
    }

    private func checkout() async throws -> Connection {
        let waiterID = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let grant: PoolGrant<Connection> = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let decision = state.withLock { state -> CheckoutDecision<Connection> in
                    if state.isShutdown { return .shutdown }
                    if let connection = state.idle.popLast() { return .grant(.connection(connection)) }
                    if state.open < maxConnections {
                        state.open += 1
                        return .grant(.openNew)
                    }
                    state.waiters.append(PoolWaiter(id: waiterID, continuation: continuation))
                    return .wait
                }
                switch decision {
                case .wait: scheduleTimeout(for: waiterID)
                case .shutdown: continuation.resume(throwing: ConnectionPoolError(.shutdown))
                case .grant(let grant): continuation.resume(returning: grant)
                }
            }
        } onCancel: {
            failWaiter(waiterID, with: CancellationError())
        }
        switch grant {
        case .connection(let connection): return connection
        case .openNew:
            do {
                return try await factory()
            } catch {
                // Give the slot back; a waiter, if any, may try to open one in turn.
                releaseSlot()
                throw error
            }
        }
    }

    private func scheduleTimeout(for waiterID: Int) {
        let timeout = checkoutTimeout
        Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.failWaiter(waiterID, with: ConnectionPoolError(.checkoutTimeout(timeout)))
        }
    }

    private func failWaiter(_ waiterID: Int, with error: any Error) {
        let waiter = state.withLock { state -> PoolWaiter<Connection>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    private func release(_ connection: Connection) {
        if connection.isBroken {
            Task { await connection.close() }
            releaseSlot()
            return
        }
        let (waiter, closeIt) = state.withLock { state -> (PoolWaiter<Connection>?, Bool) in
            if state.isShutdown {
                state.open -= 1
                return (nil, true)
            }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), false) }
            state.idle.append(connection)
            return (nil, false)
        }
        if closeIt { Task { await connection.close() } }
        waiter?.continuation.resume(returning: .connection(connection))
    }

    /// A connection went away: a waiter may open a new one in its place.
    private func releaseSlot() {
        let waiter = state.withLock { state -> PoolWaiter<Connection>? in
            if !state.waiters.isEmpty && !state.isShutdown { return state.waiters.removeFirst() }
            state.open -= 1
            return nil
        }
        waiter?.continuation.resume(returning: .openNew)
    }
}

enum PoolGrant<Connection: Sendable>: Sendable {
    case connection(Connection)
    case openNew
}

enum CheckoutDecision<Connection: Sendable> {
    case grant(PoolGrant<Connection>)
    case wait
    case shutdown
}

struct PoolWaiter<Connection: Sendable>: Sendable {
    let id: Int
    let continuation: CheckedContinuation<PoolGrant<Connection>, any Error>
}

struct PoolState<Connection: Sendable>: Sendable {
    var idle: [Connection] = []
    var open = 0
    var waiters: [PoolWaiter<Connection>] = []
    var nextWaiterID = 0
    var isShutdown = false
}
