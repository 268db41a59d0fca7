import DocketCore
import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The JSON body as `type`, or `invalid_input` naming the field at
    /// fault as the client spells it (`size_bytes`). An empty body reads as
    /// `{}`, so a route whose fields are all optional takes none.
    func decodeJSON<T: Decodable>(as type: T.Type, limit: Int = 64 << 10) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw DocketError(.bodyTooLarge, "a JSON body is at most \(limit) bytes")
        }
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        do {
            return try APIJSON.decoder.decode(type, from: data)
        } catch let error as DecodingError {
            throw DocketError(.invalidInput, ProblemMiddleware.describe(error), logDetail: "\(error)")
        }
    }
}
