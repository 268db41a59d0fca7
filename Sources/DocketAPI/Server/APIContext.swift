import DocketCore
import DocketStore
import Foundation
import Hummingbird
import NIOCore

/// What one request carries through the middleware to its route: the API
/// key it presented, its request id, and JSON coding in the contract's
/// style (snake_case keys, ISO 8601 dates).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The bearer key, read by `AuthMiddleware`; checked against Postgres
    /// in the route's own hop (`APIServices.session`/`transaction`).
    public var apiKey: APIKeySecret?
    /// On every log line (`hb.request.id`) and every response (`X-Request-Id`).
    public let requestID: String
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        if let id = source.logger[metadataKey: "hb.request.id"] {
            requestID = id.description
        } else {
            requestID = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            logger[metadataKey: "hb.request.id"] = .string(requestID)
        }
    }

    /// Sends `100 Continue` if the request asked for it (`ExpectContinueHandler`):
    /// the route calls it once it will read the body.
    func continueBody() {
        channel.triggerUserOutboundEvent(ExpectContinueHandler.Proceed(), promise: nil)
    }

    public var requestDecoder: JSONDecoder { APIJSON.decoder }
    public var responseEncoder: JSONEncoder { APIJSON.encoder }
}

/// The API's one JSON style: one configured encoder and decoder for every
/// request (they are Sendable and keep no state between calls).
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
