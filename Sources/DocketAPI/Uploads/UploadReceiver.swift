import DocketCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Streams a PUT body into an `UploadFile` as it arrives, never holding it
/// whole: chunks gather to 1 MiB, then thread-pool hops write and hash
/// them (side by side) while the next MiB arrives. It enforces the contract as
/// bytes come: more than declared → 413 at once; not starting with `%PDF-`
/// → 415; fewer than declared → 400;
/// nothing for `timeout` → 408; the client gone → `network_abort`.
struct UploadReceiver {
    let expectedBytes: Int64
    let timeout: Duration
    static let flushBytes = 1 << 20
    static let magic = Array("%PDF-".utf8)

    /// Returns the SHA-256 of the body, once exactly `expectedBytes` are written.
    func receive(_ body: RequestBody, into file: UploadFile) async throws -> String {
        let lastProgress = LastProgress()
        let timeout = self.timeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await self.consume(body, into: file) { lastProgress.touch() }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: timeout / 4)
                    if ContinuousClock.now - lastProgress.instant > timeout {
                        throw DocketError(.uploadTimeout, "no bytes arrived for \(timeout); send the whole body without pausing")
                    }
                }
            }
            // The first to finish decides: the body read (or its error), or the watchdog's timeout.
            try await group.next()
            group.cancelAll()
        }
        return try await NIOThreadPool.singleton.runIfActive { file.digest() }
    }

    private func consume(_ body: RequestBody, into file: UploadFile, progress: @Sendable () -> Void) async throws {
        var writer = WriteBehind(file: file)
        do {
            try await receive(body, into: &writer, progress: progress)
            try await writer.drain()
        } catch {
            // No write may still be running when the caller removes the file.
            try? await writer.drain()
            throw error
        }
    }

    private func receive(_ body: RequestBody, into writer: inout WriteBehind, progress: @Sendable () -> Void) async throws {
        var received: Int64 = 0
        // The socket's own buffers, kept until written: copying them into
        // one batch first cost a pass over every byte.
        var pending: [ByteBuffer] = []
        var pendingBytes = 0
        var head: [UInt8] = []
        do {
            for try await chunk in body {
                progress()
                received += Int64(chunk.readableBytes)
                guard received <= expectedBytes else {
                    throw DocketError(.bodyTooLarge, "the body is longer than the declared size_bytes \(expectedBytes)")
                }
                if head.count < Self.magic.count {
                    let wanted = min(Self.magic.count - head.count, chunk.readableBytes)
                    head += chunk.getBytes(at: chunk.readerIndex, length: wanted) ?? []
                    if head.count == Self.magic.count { try Self.checkMagic(head) }
                }
                pending.append(chunk)
                pendingBytes += chunk.readableBytes
                if pendingBytes >= Self.flushBytes {
                    try await writer.submit(pending)
                    pending = []
                    pendingBytes = 0
                }
            }
        } catch let error as DocketError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw DocketError(.networkAbort, "the client went away mid-body", logDetail: "\(error)")
        }
        guard received == expectedBytes else {
            if received == 0 { throw DocketError(.emptyFile, "the body was empty") }
            throw DocketError(.invalidInput, "the body ended after \(received) of the declared \(expectedBytes) bytes")
        }
        if head.count < Self.magic.count { try Self.checkMagic(head) }
        if !pending.isEmpty { try await writer.submit(pending) }
    }

    private static func checkMagic(_ head: [UInt8]) throws {
        guard head == magic else {
            throw DocketError(.unsupportedMediaType, "the file does not start with %PDF-: it is not a PDF")
        }
    }
}

/// When the last bytes of a body arrived, shared by its reader and its watchdog.
private final class LastProgress: Sendable {
    private let value = Mutex(ContinuousClock.now)

    func touch() { value.withLock { $0 = .now } }
    var instant: ContinuousClock.Instant { value.withLock { $0 } }
}

/// Writes and hashes each batch on the thread pool in two lanes that run
/// side by side, each in order, while the next batches arrive: hashing
/// (1.5 GB/s here) is slower than the page cache, and done in the writer's
/// hop it held the whole body back. Up to `depth` batches are in flight, so
/// a lane never idles for want of the next one; a failed write stops the
/// writes after it.
private struct WriteBehind {
    static let depth = 4
    let file: UploadFile
    private var inFlight: [(write: Task<Void, any Error>, hash: Task<Void, any Error>)] = []

    init(file: UploadFile) { self.file = file }

    mutating func submit(_ batch: [ByteBuffer]) async throws {
        if inFlight.count >= Self.depth { try await Self.wait(for: inFlight.removeFirst()) }
        let file = self.file
        let (previousWrite, previousHash) = (inFlight.last?.write, inFlight.last?.hash)
        let write = Task {
            try await previousWrite?.value
            try await NIOThreadPool.singleton.runIfActive {
                for buffer in batch { try buffer.withUnsafeReadableBytes { try file.write($0) } }
            }
        }
        let hash = Task {
            try await previousHash?.value
            try await NIOThreadPool.singleton.runIfActive {
                for buffer in batch { buffer.withUnsafeReadableBytes { file.hash($0) } }
            }
        }
        inFlight.append((write, hash))
    }

    /// Waits for every batch in flight; the first error, if any, is thrown
    /// here, after all have ended.
    mutating func drain() async throws {
        var failure: (any Error)?
        for batch in inFlight {
            do { try await Self.wait(for: batch) } catch { failure = failure ?? error }
        }
        inFlight = []
        if let failure { throw failure }
    }

    private static func wait(for batch: (write: Task<Void, any Error>, hash: Task<Void, any Error>)) async throws {
        let hashed = await batch.hash.result
        try await batch.write.value
        try hashed.get()
    }
}
