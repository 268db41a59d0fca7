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
