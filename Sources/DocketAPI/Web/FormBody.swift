import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, as the admin pages' forms
/// post it. Small by design: a form larger than 16 KiB is refused.
struct FormBody: Sendable {
    let fields: [String: String]

    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    static func read(_ request: Request) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: 16 << 10)
        return FormBody(parsing: String(buffer: buffer))
    }

    init(parsing text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first, fields[name] == nil { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        self.fields = fields
    }
}
