import Synchronization

/// Facts read from Postgres, kept in memory only while a LISTEN connection
/// would tell this process they changed (`APICaches`). Nothing is stored or
/// served while no listener is connected, and a (re)connect forgets all,
/// since notifications sent meanwhile were lost.
///
/// A reader takes a `Ticket` before it reads Postgres and stores with it;
/// the store is dropped if an invalidation came in between, so a read that
/// raced a revoke cannot put the old answer back.
final class NotifiedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    struct Ticket: Sendable {
        fileprivate let generation: UInt64
    }

    private struct Entry {
        let value: Value
        let storedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var generation: UInt64 = 0
        var listening = false
    }

    private let state = Mutex(State())
    /// At most this many entries; a full cache sheds expired ones, else all.
    let capacity: Int
    /// A backstop: an entry is not served after this long, notified or not.
    let lifetime: Duration

    init(capacity: Int = 50_000, lifetime: Duration = .seconds(300)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    func value(for key: Key, now: ContinuousClock.Instant = .now) -> Value? {
        state.withLock { state in
            guard state.listening, let entry = state.entries[key], now - entry.storedAt < lifetime else { return nil }
            return entry.value
        }
    }

    func ticket() -> Ticket {
        state.withLock { Ticket(generation: $0.generation) }
    }

    func store(_ value: Value, for key: Key, ticket: Ticket, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            guard state.listening, state.generation == ticket.generation else { return }
            if state.entries.count >= capacity, state.entries[key] == nil {
                state.entries = state.entries.filter { now - $0.value.storedAt < lifetime }
                if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            }
            state.entries[key] = Entry(value: value, storedAt: now)
        }
    }

    /// Forgets `key`, and voids the tickets out (a read of it may be in flight).
    func remove(_ key: Key) {
        state.withLock { state in
            state.generation &+= 1
            state.entries[key] = nil
        }
    }

    func removeAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }

    /// Whether a listener is connected: either way, what was kept is forgotten.
    func setListening(_ listening: Bool) {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
            state.listening = listening
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
