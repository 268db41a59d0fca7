import Foundation

/// Writes a staged blob of known size around the page cache (O_DIRECT):
/// bytes are copied into aligned blocks, and two threads of its own write
/// the full blocks side by side while the next one fills. A buffered write
/// copies every byte into the page cache and the kernel's writeback then
/// walks those pages again; a direct write hands the block to the disk and
/// costs the CPU one copy into the block. The last, partial block goes
/// through the page cache (O_DIRECT needs whole blocks) and `commit`'s
/// fsync covers both.
///
/// `append` and `finish` are called by one thread at a time. Dropped
/// without `finish` (an upload abandoned), the threads write what is
/// queued and end before the writer is gone.
public final class DirectBlockWriter: @unchecked Sendable {
    /// Bytes per write; a multiple of the 4 KiB alignment O_DIRECT needs.
    public static let blockSize = 1 << 20
    static let alignment = 4096
    static let writers = 2

    /// Holds the O_DIRECT descriptor open until the threads have ended.
    private let direct: FileDescriptor
    private let buffered: Int32
    private let path: String
    private let queue: BlockQueue
    private var filling: UnsafeMutableRawBufferPointer
    private var filled = 0
    private var nextOffset: Int64 = 0

    init(direct: FileDescriptor, buffered: Int32, path: String) {
        self.direct = direct
        self.buffered = buffered
        self.path = path
        filling = Self.allocateBlock()
        queue = BlockQueue(spare: (0..<Self.writers).map { _ in Self.allocateBlock() })
        // The threads hold the queue, not the writer, so dropping the
        // writer stops them (deinit).
        for number in 0..<Self.writers {
            let (queue, descriptor, path) = (queue, direct.raw, path)
            let thread = Thread { queue.writeQueued(to: descriptor, path: path) }
            thread.name = "docket-direct-\(number)"
            thread.stackSize = 256 << 10
            thread.start()
        }
    }

    /// Copies `bytes` in; each block filled is queued for writing, waiting
    /// for a spare block if both writers are busy (the disk sets the pace).
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, filling.count - filled)
            (filling.baseAddress! + filled).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            filled += count
            offset += count
            if filled == filling.count {
                filling = try queue.exchange(filling, writingAt: nextOffset)
                nextOffset += Int64(Self.blockSize)
                filled = 0
            }
        }
    }

    /// Writes the partial last block through the page cache and waits for
    /// every queued block; the first failure, if any, is thrown.
    public func finish() throws {
        if filled > 0 {
            try BlockQueue.pwriteAll(buffered, UnsafeRawBufferPointer(rebasing: filling[0..<filled]), at: nextOffset, path: path)
            nextOffset += Int64(filled)
            filled = 0
        }
        try queue.waitUntilWritten()
    }

    /// For an upload given up: lets the threads write what is queued and
    /// waits for them to end, here rather than in whatever thread drops
    /// the writer last.
    public func abandon() {
        queue.stop()
    }

    private static func allocateBlock() -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: alignment)
    }

    deinit {
        queue.stop()
        for block in queue.blocks + [filling] { block.deallocate() }
    }
}

/// The blocks between a `DirectBlockWriter` and its threads: full ones
/// waiting to be written at their offsets, spare ones to fill next.
private final class BlockQueue: @unchecked Sendable {
    // `condition` protects everything below.
    private let condition = NSCondition()
    private var queued: [(block: UnsafeMutableRawBufferPointer, offset: Int64)] = []
    private var spare: [UnsafeMutableRawBufferPointer]
    private var writing = 0
    private var running = DirectBlockWriter.writers
    private var stopping = false
    private var failure: BlobStoreError?

    init(spare: [UnsafeMutableRawBufferPointer]) { self.spare = spare }

    /// Queues `full` for writing at `offset` and returns a spare block,
    /// waiting for one if every block is queued or being written.
    func exchange(_ full: UnsafeMutableRawBufferPointer, writingAt offset: Int64) throws -> UnsafeMutableRawBufferPointer {
        condition.lock()
        defer { condition.unlock() }
        while spare.isEmpty && failure == nil { condition.wait() }
        if let failure { throw failure }
        queued.append((full, offset))
        condition.broadcast()
        return spare.removeLast()
    }

    /// Waits until nothing is queued or being written; throws the first failure.
    func waitUntilWritten() throws {
        condition.lock()
        defer { condition.unlock() }
        while (!queued.isEmpty || writing > 0) && failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    /// A writer thread's loop: write queued blocks until stopped with none left.
    func writeQueued(to descriptor: Int32, path: String) {
        condition.lock()
        while true {
            while queued.isEmpty && !stopping { condition.wait() }
            if queued.isEmpty { break }
            let (block, offset) = queued.removeFirst()
            writing += 1
            condition.unlock()
            var failed: BlobStoreError?
            do { try Self.pwriteAll(descriptor, UnsafeRawBufferPointer(block), at: offset, path: path) } catch {
                failed = error as? BlobStoreError ?? .system("write", path)
            }
            condition.lock()
            writing -= 1
            spare.append(block)
            if let failed, failure == nil { failure = failed }
            condition.broadcast()
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Lets the threads write what is queued and waits for them to end
    /// (at once if they have).
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while running > 0 { condition.wait() }
    }

    /// Every block it holds; once stopped, none is in a thread's hands.
    var blocks: [UnsafeMutableRawBufferPointer] {
        condition.lock()
        defer { condition.unlock() }
        return spare + queued.map(\.block)
    }

    static func pwriteAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if written < 0 {
                if errno == EINTR { continue }
                throw BlobStoreError.system("write", path)
            }
            done += written
        }
    }
}
