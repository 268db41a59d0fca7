import Foundation

/// A process's line in /proc/PID/stat, from its state on: what the harness
/// reads to tell a living process from an ended one.
public struct ProcessStat {
    /// The fields after "pid (comm) ": state, ppid, pgrp, …
    let fields: [Substring]

    /// nil once the process is gone (or without /proc).
    public init?(pid: Int) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let nameEnd = stat.lastIndex(of: ")")  // the command name may hold spaces and parentheses
        else { return nil }
        fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
    }

    /// Exited and not yet reaped: its descriptors are closed.
    public var isZombie: Bool { fields.first == "Z" }

    public var processGroup: Int? { fields.count > 2 ? Int(fields[2]) : nil }
}
