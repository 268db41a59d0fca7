import Crypto
import DocketCore
import DocketStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PostgresClient

/// `Idempotency-Key` for a route (CONTRACT.md §2): the first request with a
/// key runs and its answer is recorded in the same transaction as its
/// effects; a repeat with the same method, path and body gets that answer
/// again (`Idempotent-Replayed: true`); another request with the key is 422
/// `idempotency_mismatch`; a repeat while the first runs is 409 `conflict`.
/// A 4xx answer is kept too; a 5xx frees the key for a retry.
struct IdempotentRoute {
    let services: APIServices
    /// The route, e.g. `POST /v1/uploads`: keys are per user and route.
    let scope: String

    /// What the route's work calls inside its transaction with its answer.
    struct Recorder: Sendable {
        let scope: String
        let key: String?

        func record(
            _ status: HTTPResponse.Status, _ body: Data, for principal: Principal, in session: borrowing PostgresSession
        ) throws {
            guard let key else { return }
            try IdempotencyKeys.record(
                userID: principal.userID, scope: scope, key: key, status: status.code, body: Array(body), in: session
            )
        }
    }

    func respond(
        to request: Request, context: APIContext, body: ByteBuffer,
        _ work: (Recorder) async throws -> (HTTPResponse.Status, Data)
    ) async throws -> Response {
        guard let key = request.headers[.idempotencyKey] else {
            let (status, data) = try await work(Recorder(scope: scope, key: nil))
            return Self.json(status, data)
        }
        var hasher = SHA256()
        hasher.update(data: Array("\(request.method) \(request.uri.path)\n".utf8))
        hasher.update(data: Array(body.readableBytesView))
        let hash = Array(hasher.finalize())
        let scope = self.scope
        let (userID, claim) = try await services.transaction(context) { principal, session in
            (principal.userID, try IdempotencyKeys.claim(userID: principal.userID, scope: scope, key: key, requestHash: hash, in: session))
        }
        let postgres = services.postgres
        switch claim {
        case .replay(let status, let bytes):
            var response = Self.json(HTTPResponse.Status(code: status), Data(bytes), problem: status >= 400)
            response.headers[.idempotentReplayed] = "true"
            return response
        case .inFlight:
            throw DocketError(.conflict, "a request with this Idempotency-Key is still in flight")
        case .mismatch:
            throw DocketError(.idempotencyMismatch, "this Idempotency-Key was used with a different request")
        case .run:
            do {
                let (status, data) = try await work(Recorder(scope: scope, key: key))
                return Self.json(status, data)
            } catch let error as DocketError where error.code.httpStatus < 500 {
                let problem = try APIJSON.encoder.encode(Problem(error.code, detail: error.detail, requestID: context.requestID))
                try? await postgres.transaction {
                    try IdempotencyKeys.record(
                        userID: userID, scope: scope, key: key, status: error.code.httpStatus, body: Array(problem), in: $0
                    )
                }
                throw error
            } catch {
                try? await postgres.transaction { try IdempotencyKeys.release(userID: userID, scope: scope, key: key, in: $0) }
                throw error
            }
        }
    }

    static func json(_ status: HTTPResponse.Status, _ data: Data, problem: Bool = false) -> Response {
        Response(
            status: status,
            headers: [.contentType: problem ? "application/problem+json" : "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

extension HTTPField.Name {
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}
