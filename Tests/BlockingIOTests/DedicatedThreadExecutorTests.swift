import BlockingIO
import Foundation
import Testing

/// An actor that blocks its thread, as a C client does.
actor BlockingWorker {
    private let executor = DedicatedThreadExecutor(name: "test-blocker")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    deinit { executor.shutdown() }

    /// Blocks, then says whether it ran on the executor's own thread.
    func block(for seconds: Double) -> Bool {
        Thread.sleep(forTimeInterval: seconds)
        return executor.isCurrentThread
    }
}

@Suite struct DedicatedThreadExecutorTests {
    @Test func methodsRunOnTheActorsOwnThread() async {
        let worker = BlockingWorker()
        #expect(await worker.block(for: 0))
        let other = DedicatedThreadExecutor(name: "other")
        #expect(!other.isCurrentThread)
        other.shutdown()
    }
}
