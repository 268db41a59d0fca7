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
/// `append` and `finish` are called by one thread at a time.
public final class DirectBlockWriter: @unchecked Sendable {
    /// Bytes per write; a multiple of the 4 KiB alignment O_DIRECT needs.
    public static let blockSize = 1 << 20
    static let alignment = 4096
    static let writers = 2

    private let direct: FileDescriptor
    private let buffered: Int32
    private let path: String
    private var filling: UnsafeMutableRawBufferPointer
    private var filled = 0
    private var nextOffset: Int64 = 0

    // `condition` protects everything below.
    private let condition = NSCondition()
    private var queued: [(block: UnsafeMutableRawBufferPointer, offset: Int64)] = []
    private var spare: [UnsafeMutableRawBufferPointer] = []
    private var writing = 0
    private var stopping = false
    private var failure: BlobStoreError?
    private var running = 0

    init(direct: FileDescriptor, buffered: Int32, path: String) {
        self.direct = direct
        self.buffered = buffered
        self.path = path
        filling = Self.allocateBlock()
        spare = (0..<Self.writers).map { _ in Self.allocateBlock() }
        running = Self.writers
        for number in 0..<Self.writers {
            let thread = Thread { [self] in self.writeQueued() }
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
            if filled == filling.count { try queueFilledBlock() }
        }
    }

    /// Writes the partial last block through the page cache and waits for
    /// every queued block; the first failure, if any, is thrown.
    public func finish() throws {
        defer { stop() }
        if filled > 0 {
            try pwriteAll(buffered, UnsafeRawBufferPointer(rebasing: filling[0..<filled]), at: nextOffset)
            nextOffset += Int64(filled)
            filled = 0
        }
        condition.lock()
        while (!queued.isEmpty || writing > 0) && failure == nil { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
    }

    private func queueFilledBlock() throws {
        condition.lock()
        defer { condition.unlock() }
        while spare.isEmpty && failure == nil { condition.wait() }
        if let failure { throw failure }
        queued.append((filling, nextOffset))
        nextOffset += Int64(filling.count)
        filling = spare.removeLast()
        filled = 0
        condition.broadcast()
    }

    private func writeQueued() {
        condition.lock()
        while true {
            while queued.isEmpty && !stopping { condition.wait() }
            if queued.isEmpty { break }
            let (block, offset) = queued.removeFirst()
            writing += 1
            condition.unlock()
            var error: BlobStoreError?
            do { try pwriteAll(direct.raw, UnsafeRawBufferPointer(block), at: offset) } catch let failed as BlobStoreError {
                error = failed
            } catch { preconditionFailure("pwriteAll throws BlobStoreError only") }
            condition.lock()
            writing -= 1
            spare.append(block)
            if let error, failure == nil { failure = error }
            condition.broadcast()
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    private func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    private func pwriteAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
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

    private static func allocateBlock() -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: alignment)
    }

    deinit {
        stop()
        filling.deallocate()
        for block in spare { block.deallocate() }
        for (block, _) in queued { block.deallocate() }
    }
}
