import Foundation
import Synchronization

/// A one-line progress bar on stderr: redrawn in place on a terminal,
/// printed once when done otherwise (logs and pipes get no `\r` noise).
final class ProgressBar: Sendable {
    private let label: String
    private let total: Int64
    private let interactive = isatty(STDERR_FILENO) == 1
    private let started = ContinuousClock.now
    /// When the line was last drawn; the lock also keeps two writes apart.
    private let lastDrawn = Mutex(ContinuousClock.now - .seconds(1))

    init(label: String, total: Int64) {
        self.label = label
        self.total = max(total, 1)
    }

    /// Called from URLSession's delegate queue; redraws at most 10 times a second.
    func update(_ sent: Int64) {
        guard interactive else { return }
        lastDrawn.withLock { lastDrawn in
            let now = ContinuousClock.now
            guard now - lastDrawn >= .milliseconds(100) || sent >= total else { return }
            lastDrawn = now
            FileHandle.standardError.write(Data(("\r" + line(sent)).utf8))
        }
    }

    /// The final line, and a newline.
    func finish(_ sent: Int64, note: String = "") {
        lastDrawn.withLock { _ in
            FileHandle.standardError.write(Data(((interactive ? "\r" : "") + line(sent) + note + "\n").utf8))
        }
    }

    func line(_ sent: Int64) -> String {
        let fraction = min(Double(sent) / Double(total), 1)
        let width = 24
        let filled = Int(fraction * Double(width))
        let seconds = max((ContinuousClock.now - started) / .seconds(1), 0.001)
        let rate = Double(sent) / seconds
        return "\(label)  [\(String(repeating: "#", count: filled))\(String(repeating: "-", count: width - filled))] "
            + "\(String(format: "%3d", Int(fraction * 100)))%  \(Self.bytes(sent))/\(Self.bytes(total))  \(Self.bytes(Int64(rate)))/s  "
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
