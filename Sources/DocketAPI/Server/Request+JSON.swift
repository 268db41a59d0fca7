import DocketCore
import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The whole (small) JSON body: `body_too_large` past `limit`.
    func jsonBody(limit: Int = 64 << 10) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw DocketError(.bodyTooLarge, "a JSON body is at most \(limit) bytes")
        }
    }

    /// The JSON body as `type` (see `APIJSON.decode`).
    func decodeJSON<T: Decodable>(as type: T.Type) async throws -> T {
        try APIJSON.decode(type, from: try await jsonBody())
    }
}

extension APIJSON {
    /// `bytes` as `type`, or `invalid_input` naming the field at fault as
    /// the client spells it (`size_bytes`). An empty body reads as `{}`, so
    /// a route whose fields are all optional takes none.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: ByteBuffer) throws -> T {
        let data = bytes.readableBytes == 0 ? Data("{}".utf8) : Data(bytes.readableBytesView)
        do {
            return try decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw DocketError(.invalidInput, ProblemMiddleware.describe(error), logDetail: "\(error)")
        }
    }
}
