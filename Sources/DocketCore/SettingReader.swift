import Foundation

/// Reads one environment variable at a time, turning a bad value into a
/// `ConfigurationError` that names it. Empty counts as unset.
struct SettingReader {
    let environment: [String: String]

    func string(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(variable: name, problem: "expected a whole number in \(describe(range)), got '\(text)'")
        }
        return value
    }

    func duration(_ name: String, default fallback: Duration, allowZero: Bool = false) throws -> Duration {
        guard let text = string(name) else { return fallback }
        guard let value = SettingValue.duration(text), allowZero || value > .zero else {
            throw ConfigurationError(
                variable: name,
                problem: "expected a duration such as 30, 15s, 5m, 1h or 7d\(allowZero ? "" : " above zero"), got '\(text)'"
            )
        }
        return value
    }

    func byteCount(_ name: String, default fallback: Int, minimum: Int) throws -> Int {
        guard let text = string(name) else { return fallback }
        guard let value = SettingValue.byteCount(text), value >= minimum else {
            throw ConfigurationError(
                variable: name,
                problem: "expected a size of at least \(minimum) bytes such as 1048576, 100MB or 1GiB, got '\(text)'"
            )
        }
        return value
    }

    func oneOf(_ name: String, default fallback: String, _ choices: [String]) throws -> String {
        guard let text = string(name)?.lowercased() else { return fallback }
        guard choices.contains(text) else {
            throw ConfigurationError(variable: name, problem: "expected one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }

    /// A postgres:// URL or a libpq `key=value` conninfo.
    func databaseURL(_ name: String, required: Bool) throws -> String? {
        guard let text = string(name) else {
            if required { throw ConfigurationError(variable: name, problem: "not set; expected postgres://user@host:port/db") }
            return nil
        }
        let isURL = (text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"))
            && URLComponents(string: text) != nil
        guard isURL || text.contains("=") else {
            throw ConfigurationError(variable: name, problem: "expected postgres://user@host:port/db or a libpq conninfo")
        }
        return text
    }

    func redisURL(_ name: String, required: Bool) throws -> String? {
        guard let text = string(name) else {
            if required { throw ConfigurationError(variable: name, problem: "not set; expected redis://host:port/db") }
            return nil
        }
        guard let url = URLComponents(string: text), url.scheme == "redis", url.host?.isEmpty == false,
              url.path.isEmpty || url.path == "/" || Int(url.path.dropFirst()) != nil
        else {
            throw ConfigurationError(variable: name, problem: "expected redis://[:password@]host:port/db")
        }
        return text
    }

    /// At least 32 bytes of key material, so HMAC tokens cannot be brute-forced.
    func signingKey(_ name: String) throws -> String? {
        guard let text = string(name) else { return nil }
        guard text.utf8.count >= 32 else {
            throw ConfigurationError(variable: name, problem: "too short: use at least 32 characters (openssl rand -hex 32)")
        }
        return text
    }

    /// Comma-separated secrets, each held to `signingKey`'s rule.
    func signingKeys(_ name: String) throws -> [String] {
        guard let text = string(name) else { return [] }
        let secrets = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !secrets.isEmpty, secrets.allSatisfy({ $0.utf8.count >= 32 }) else {
            throw ConfigurationError(variable: name, problem: "each comma-separated key needs at least 32 characters")
        }
        return secrets
    }

    private func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == Int.max ? "\(range.lowerBound) or more" : "\(range.lowerBound)...\(range.upperBound)"
    }
}
