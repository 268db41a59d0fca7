import Foundation
import RedisClient

/// A live worker process, as the admin surfaces show it.
public struct WorkerRecord: Sendable, Equatable {
    public let id: String
    public let host: String
    public let pid: Int
    public let executable: String
    public let kinds: [String]
    public let concurrency: Int
    /// Ids of the jobs it holds leases on.
    public let running: [String]
    public let heartbeat: Date
}

extension WorkerRegistry {
    /// Every worker whose entry has not expired, by id; ids whose entry has
    /// expired (a killed worker) are dropped from the index on the way.
    public static func list(in session: borrowing RedisSession) throws -> [WorkerRecord] {
        let ids = (try session.send("SMEMBERS", index).array ?? []).compactMap(\.string).sorted()
        guard !ids.isEmpty else { return [] }
        let entries = try session.pipeline(ids.map { RedisCommand("HGETALL", key($0)) })
        var workers: [WorkerRecord] = []
        var gone: [String] = []
        for (id, entry) in zip(ids, entries) {
            let flat = (entry.array ?? []).compactMap(\.string)
            guard flat.count >= 2 else {
                gone.append(id)
                continue
            }
            var fields: [String: String] = [:]
            for pair in stride(from: 0, to: flat.count - 1, by: 2) { fields[flat[pair]] = flat[pair + 1] }
            func list(_ name: String) -> [String] { (fields[name] ?? "").split(separator: ",").map(String.init) }
            workers.append(WorkerRecord(
                id: id, host: fields["host"] ?? "", pid: Int(fields["pid"] ?? "") ?? 0,
                executable: fields["executable"] ?? "", kinds: list("kinds"),
                concurrency: Int(fields["concurrency"] ?? "") ?? 0, running: list("running"),
                heartbeat: Date(timeIntervalSince1970: (Double(fields["heartbeat"] ?? "") ?? 0) / 1000)
            ))
        }
        if !gone.isEmpty { _ = try session.send(RedisCommand("SREM", ([index] + gone).map { $0 as any RedisArgument })) }
        return workers
    }
}
