import Foundation
import RedisClient

/// Live workers in Redis: one hash per worker process
/// (`docket:workers:<id>`: host, pid, executable, kinds, concurrency,
/// running job ids, heartbeat) that expires unless refreshed, so a killed
/// worker drops out by itself; `docket:workers` indexes the ids.
public enum WorkerRegistry {
    static let index = "docket:workers"

    static func key(_ workerID: String) -> String { "docket:workers:" + workerID }

    /// Refreshes a worker's entry; it lives for `ttl` unless refreshed again.
    static func beat(
        workerID: String, kinds: [String], concurrency: Int, running: [ClaimedJob], ttl: Duration,
        in session: borrowing RedisSession
    ) throws {
        let key = key(workerID)
        let info = ProcessInfo.processInfo
        _ = try session.pipeline([
            RedisCommand("HSET", [
                key, "id", workerID, "host", info.hostName, "pid", Int(info.processIdentifier),
                "executable", info.processName, "kinds", kinds.joined(separator: ","),
                "concurrency", concurrency, "running", running.map(\.key).joined(separator: ","),
                "heartbeat", Int(Date().timeIntervalSince1970 * 1000),
            ]),
            RedisCommand("PEXPIRE", key, ttl.wholeMilliseconds),
            RedisCommand("SADD", index, workerID),
        ])
    }

    /// Removes a stopping worker's entry at once.
    static func remove(workerID: String, in session: borrowing RedisSession) throws {
        _ = try session.pipeline([RedisCommand("DEL", key(workerID)), RedisCommand("SREM", index, workerID)])
    }

    /// Whether a worker's entry is still alive.
    public static func isAlive(_ workerID: String, in session: borrowing RedisSession) throws -> Bool {
        try session.send("EXISTS", key(workerID)).int == 1
    }
}
