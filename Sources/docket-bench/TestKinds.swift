import DocketCore
import Foundation
import JobQueue
import PostgresClient

/// Job kinds for benchmarks and tests only; no production worker registers
/// them. Payloads: `noop` `{}`; `sleep` `{"ms": 500, "effect_table": "effects"}`
/// (the optional table gets one row per success, committed with the ledger
/// transition); `fail` `{"code": "storage_io"}`.
enum TestKinds {
    static let noop = JobKind("noop")
    static let sleep = JobKind("sleep")
    static let fail = JobKind("fail")

    static func handler(for kind: JobKind) -> JobHandler? {
        switch kind {
        case noop: return JobHandler(kind: noop) { _ in .done }
        case sleep: return JobHandler(kind: sleep, perform: performSleep)
        case fail:
            return JobHandler(kind: fail, backoff: Backoff(base: .milliseconds(50), cap: .seconds(1))) { job in
                let code = (try payload(of: job)["code"] as? String) ?? "storage_io"
                throw JobFailure(code: code, retryable: JobErrorCode(rawValue: code)?.isRetryable ?? true, message: "asked to fail")
            }
        default: return nil
        }
    }

    private static func performSleep(_ job: LedgerJob) async throws -> JobOutcome {
        let fields = try payload(of: job)
        try await Task.sleep(for: .milliseconds((fields["ms"] as? Int) ?? 100))
        guard let table = fields["effect_table"] as? String else { return .done }
        guard table.allSatisfy({ $0.isLetter || $0 == "_" }) else {
            throw JobFailure(code: "invalid_payload", retryable: false, message: "effect_table must be a plain name")
        }
        let id = job.id
        return .commit { tx in try tx.query("INSERT INTO \(table) (job_id) VALUES ($1)", id) }
    }

    private static func payload(of job: LedgerJob) throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: Data(job.payload.utf8)) as? [String: Any]) ?? [:]
    }
}
