import PDFSandbox

/// The child's arguments: `SandboxLimits.arguments`, and `--self-check`.
struct ChildOptions {
    var limits = SandboxLimits()
    var selfCheck = false

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
            default: throw Invalid(description: "unknown option \(flag)")
            }
        }
    }
}
