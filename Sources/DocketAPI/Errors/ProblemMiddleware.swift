import DocketCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PostgresClient

/// Turns every error a route throws into problem+json with the contract's
/// `error_code` and status, and puts the request id on every response.
/// Nothing internal reaches a client: unknown errors are `internal`, their
/// detail logged with the request id, never sent.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = context.requestID
            return response
        } catch {
            let answer = Self.classify(error)
            let level: Logger.Level = answer.code.httpStatus >= 500 ? .error : .info
            context.logger.log(level: level, "request failed", metadata: [
                "error.code": "\(answer.code.rawValue)", "error.detail": "\(answer.logDetail)",
                "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
            ])
            var headers: HTTPFields = [.requestID: context.requestID]
            if answer.code == .unavailable { headers[.retryAfter] = "5" }
            if answer.code == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
            return Problem(answer.code, detail: answer.detail, requestID: context.requestID).response(headers: headers)
        }
    }

    struct Answer {
        let code: ErrorCode
        let detail: String
        let logDetail: String
    }

    static func classify(_ error: any Error) -> Answer {
        switch error {
        case let error as DocketError:
            return Answer(code: error.code, detail: error.detail, logDetail: error.logDetail ?? error.detail)
        case let error as PostgresError where error.isUnavailable:
            return Answer(code: .unavailable, detail: "the database is unreachable; retry shortly", logDetail: "\(error)")
        case let error as DecodingError:
            return Answer(code: .invalidInput, detail: Self.describe(error), logDetail: "\(error)")
        case let error as HTTPError:
            let code: ErrorCode = switch error.status.code {
            case 404: .notFound
            case 413: .bodyTooLarge
            case 400..<500: .invalidInput
            default: .internal
            }
            let detail = code == .internal ? "internal error" : (error.body ?? error.status.reasonPhrase)
            return Answer(code: code, detail: detail, logDetail: "\(error)")
        default:
            return Answer(code: .internal, detail: "internal error", logDetail: "\(error)")
        }
    }

    /// What was wrong with a JSON body, without echoing it.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "the body" : keys
        }
        switch error {
        case .keyNotFound(let key, _): return "missing field \(key.stringValue.snakeCased)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context).snakeCased) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context).snakeCased) has a bad value"
        @unknown default: return "the body is not what this route takes"
        }
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

extension String {
    /// `contentType` → `content_type`, to name fields as the client sent them.
    var snakeCased: String {
        var result = ""
        for character in self {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
