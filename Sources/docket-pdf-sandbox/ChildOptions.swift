import Glibc
import PDFSandbox

/// The child's arguments: `SandboxLimits.arguments`, `--parent PID`, and `--self-check`.
struct ChildOptions {
    var limits = SandboxLimits()
    var selfCheck = false
    /// The worker that spawned this child (`--parent`), to notice having been orphaned already.
    var parent: pid_t?

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(_ arguments: ArraySlice<String>) throws {
        var arguments = arguments
        while let flag = arguments.popFirst() {
            if flag == "--self-check" {
                selfCheck = true
                continue
            }
            guard let text = arguments.popFirst(), let value = Int(text), value > 0 else {
                throw Invalid(description: "\(flag) needs a positive number")
            }
            switch flag {
            case "--memory-bytes": limits.memoryBytes = value
            case "--cpu-seconds": limits.cpuSeconds = value
            case "--max-pages": limits.maxPages = value
            case "--max-pixels": limits.maxPixels = value
            case "--parent": parent = pid_t(value)
            default: throw Invalid(description: "unknown option \(flag)")
            }
        }
    }
}
