import DocketTesting
import Foundation

/// The disk's own sequential write speed: `dd if=/dev/zero bs=1M conv=fsync`
/// into the folder the blobs go to, in MB/s as dd reports it.
enum DiskWrite {
    static func rate(megabytes: Int, in folder: String) async throws -> Double {
        let file = folder + "/dd.bin"
        defer { unlink(file) }
        let run = try await ProcessRun.run(
            URL(fileURLWithPath: "/bin/dd"), ["if=/dev/zero", "of=\(file)", "bs=1M", "count=\(megabytes)", "conv=fsync"]
        )
        // "104857600 bytes (105 MB, 100 MiB) copied, 0.5 s, 210 MB/s"
        guard run.status == 0, let copied = run.stderr.split(separator: "\n").last(where: { $0.contains(" copied, ") }) else {
            throw BenchFailure("dd failed: \(run.stderr)")
        }
        let fields = copied.components(separatedBy: ", ")
        guard fields.count >= 3, let bytes = Double(copied.split(separator: " ")[0]),
              let seconds = Double(fields[fields.count - 2].replacingOccurrences(of: " s", with: "")), seconds > 0
        else { throw BenchFailure("cannot read dd's line: \(copied)") }
        return bytes / seconds / 1e6
    }
}
