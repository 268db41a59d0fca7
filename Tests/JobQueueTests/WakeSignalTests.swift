@testable import JobQueue
import Testing

@Suite struct WakeSignalTests {
    @Test func aSignalWakesAWaiterEarly() async {
        let signal = WakeSignal()
        let clock = ContinuousClock()
        let start = clock.now
        Task {
            try await Task.sleep(for: .milliseconds(50))
            signal.signal()
        }
        await signal.wait(timeout: .seconds(10))
        #expect(clock.now - start < .seconds(5))
    }

    @Test func aSignalWithNobodyWaitingIsRemembered() async {
        let signal = WakeSignal()
        signal.signal()
        let clock = ContinuousClock()
        let start = clock.now
        await signal.wait(timeout: .seconds(10))
        #expect(clock.now - start < .seconds(5))
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
        let waiter = Task { await signal.wait(timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await waiter.value
        #expect(clock.now - start < .seconds(5))
    }
}
