@testable import JobQueue
import Testing

/// "Early" means well before the timeout, not fast: the bounds leave room
/// for a cooperative pool that every suite of a CI run starts on at once
/// (a 50 ms pause has come back after 5-6 s there).
@Suite struct WakeSignalTests {
    @Test func aSignalWakesAWaiterEarly() async {
        let signal = WakeSignal()
        let clock = ContinuousClock()
        let start = clock.now
        Task {
            try await Task.sleep(for: .milliseconds(50))
            signal.signal()
        }
        await signal.wait(timeout: .seconds(120))
        #expect(clock.now - start < .seconds(60))
    }

    @Test func aSignalWithNobodyWaitingIsRemembered() async {
        let signal = WakeSignal()
        signal.signal()
        let clock = ContinuousClock()
        let start = clock.now
        await signal.wait(timeout: .seconds(120))
        #expect(clock.now - start < .seconds(60))
    }

    @Test func withoutASignalTheWaitEndsAtItsTimeout() async {
        let signal = WakeSignal()
        let clock = ContinuousClock()
        let start = clock.now
        await signal.wait(timeout: .milliseconds(100))
        #expect(clock.now - start >= .milliseconds(100))
    }

    @Test func cancellationEndsTheWait() async {
        let signal = WakeSignal()
        let clock = ContinuousClock()
        let start = clock.now
        let waiter = Task { await signal.wait(timeout: .seconds(120)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value
        #expect(clock.now - start < .seconds(60))
    }
}
