import Foundation

/// Runs one blocking call on a thread of its own and awaits its result: for
/// rare, long calls (a syncfs, a test's socket I/O) that must not hold one
/// of the cooperative pool's two threads. Starting a thread costs tens of
/// microseconds, so not for per-request work; and unlike Dispatch's global
/// queue, concurrent calls are never serialised to the number of cores.
public enum OwnThread {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
