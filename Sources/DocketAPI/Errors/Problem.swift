import DocketCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An RFC 9457 problem+json response (CONTRACT.md §2): `type`, `title`,
/// `status`, `detail`, and the `error_code` clients branch on, plus the
/// request id to quote in a support ticket.
struct Problem: Encodable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let errorCode: String
    let requestId: String

    init(_ code: ErrorCode, detail: String, requestID: String) {
        type = "https://docket.dev/errors/\(code.rawValue)"
        title = code.title
        status = code.httpStatus
        self.detail = detail
        errorCode = code.rawValue
        requestId = requestID
    }

    func response(headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/problem+json"
        let body = (try? APIJSON.encoder.encode(self)) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
