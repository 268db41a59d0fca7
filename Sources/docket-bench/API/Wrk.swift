import DocketTesting
import Foundation

/// wrk (Debian's package) against one URL: requests per second.
enum Wrk {
    /// A wrk Lua script that sends `method` with `body` and `headers`.
    static func script(in folder: String, method: String, body: String, headers: [String: String]) throws -> String {
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var lua = "wrk.method = \(quoted(method))\nwrk.body = \(quoted(body))\n"
        for (name, value) in headers { lua += "wrk.headers[\(quoted(name))] = \(quoted(value))\n" }
        let path = folder + "/request.lua"
        try lua.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func requestsPerSecond(url: String, script: String?, seconds: Int, connections: Int) async throws -> Double {
        var arguments = ["-t", "2", "-c", String(connections), "-d", "\(seconds)s"]
        if let script { arguments += ["-s", script] }
        let run = try await ProcessRun.run(URL(fileURLWithPath: "/usr/bin/wrk"), arguments + [url])
        guard run.status == 0 else { throw BenchFailure("wrk failed: \(run.stderr)") }
        if let errors = run.stdout.split(separator: "\n").first(where: { $0.contains("Non-2xx or 3xx responses") }) {
            throw BenchFailure("wrk saw errors against \(url): \(errors)")
        }
        guard let line = run.stdout.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
              let rate = Double(line.split(separator: " ").last ?? "")
        else { throw BenchFailure("cannot read wrk's output: \(run.stdout)") }
        return rate
    }
}
