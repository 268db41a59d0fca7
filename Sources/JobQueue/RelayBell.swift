/// Wakes the `OutboxRelay` of this process at once. A process that
/// enqueues and relays (docket-api) rings it right after its commit, which
/// spares the idle path the NOTIFY round trip through Postgres (a listener
/// wake-up, a few hundred microseconds here); NOTIFY still wakes the relays
/// of other processes, and the poll catches anything both missed.
public final class RelayBell: Sendable {
    let signal = WakeSignal()

    public init() {}

    public func ring() { signal.signal() }
}
