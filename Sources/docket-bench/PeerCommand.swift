import Foundation

/// Runs a peer benchmark tool (redis-benchmark, pgbench) and returns its output.
enum PeerCommand {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(executable) failed (\(process.terminationStatus)): \(text.prefix(400))")
        }
        return text
    }

    /// The number just before the last `marker` in `text` (redis-benchmark
    /// prints progress lines first, its result last).
    static func number(before marker: String, in text: String) throws -> Double {
        guard let range = text.range(of: marker, options: .backwards) else {
            throw Failure(description: "no '\(marker)' in peer output: \(text.suffix(400))")
        }
        let head = text[..<range.lowerBound].reversed().drop(while: { $0 == " " })
        let digits = String(head.prefix(while: { $0.isNumber || $0 == "." }).reversed())
        guard let value = Double(digits) else { throw Failure(description: "no number before '\(marker)'") }
        return value
    }

    /// The first number after `marker` in `text`.
    static func number(after marker: String, in text: String) throws -> Double {
        guard let range = text.range(of: marker) else {
            throw Failure(description: "no '\(marker)' in peer output: \(text.prefix(400))")
        }
        let rest = text[range.upperBound...].drop(while: { !$0.isNumber })
        let digits = rest.prefix(while: { $0.isNumber || $0 == "." })
        guard let value = Double(digits) else { throw Failure(description: "no number after '\(marker)'") }
        return value
    }
}
