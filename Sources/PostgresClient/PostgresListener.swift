import BlockingIO
import Foundation
import Logging
import Synchronization

/// What a listener reports.
public enum PostgresListenerEvent: Sendable, Equatable {
    /// LISTEN is in effect, at start and again after every reconnect.
    /// Notifications sent while disconnected are lost, so a consumer
    /// re-scans for work it may have missed when it sees this.
    case listening
    /// The connection that was listening is gone; `listening` follows once
    /// a new one is. Until then nothing is heard.
    case disconnected
    case notification(PostgresNotification)
}

/// LISTENs on channels over a dedicated connection and its own thread.
///
/// The thread waits on the socket (in slices, to notice cancellation) and
/// reconnects with backoff when the server goes away.
public actor PostgresListener {
    private let configuration: PostgresConfiguration
    private let channels: [String]
    private let logger: Logger
    private let executor = DedicatedThreadExecutor(name: "postgres listener")
    private let stopped = Atomic<Bool>(false)

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private init(configuration: PostgresConfiguration, channels: [String], logger: Logger) {
        self.configuration = configuration
        self.channels = channels
        self.logger = logger
    }

    deinit { executor.shutdown() }

    /// Events for `channels` until the stream's consumer stops iterating.
    public static func events(
        configuration: PostgresConfiguration,
        channels: [String],
        logger: Logger = Logger(label: "docket.postgres.listener")
    ) -> AsyncStream<PostgresListenerEvent> {
        let listener = PostgresListener(configuration: configuration, channels: channels, logger: logger)
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresListenerEvent.self)
        continuation.onTermination = { _ in listener.stopped.store(true, ordering: .relaxed) }
        Task { await listener.run(continuation) }
        return stream
    }

    private func run(_ continuation: AsyncStream<PostgresListenerEvent>.Continuation) {
        var delay = 0.05
        var listening = false
        while !stopped.load(ordering: .relaxed) {
            do {
                let handle = try PostgresHandle(connectionString: configuration.connectionString, logger: logger)
                for channel in channels {
                    try handle.executeScript("LISTEN \(PostgresListener.quoteIdentifier(channel))")
                }
                continuation.yield(.listening)
                listening = true
                delay = 0.05
                while !stopped.load(ordering: .relaxed) {
                    guard handle.waitForInput(timeoutMilliseconds: 200) else { continue }
                    for notification in try handle.drainNotifications() {
                        continuation.yield(.notification(notification))
                    }
                }
            } catch {
                logger.warning("postgres listener lost its connection", metadata: ["error": "\(error)"])
                // Once per lost connection, not per failed reconnect.
                if listening { continuation.yield(.disconnected) }
                listening = false
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 2)
            }
        }
        continuation.finish()
    }

    /// `"name"` with embedded quotes doubled, so any channel name is safe.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
