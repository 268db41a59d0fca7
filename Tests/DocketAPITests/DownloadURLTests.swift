@testable import DocketAPI
import Foundation
import Testing

/// The hand-written answer of download-url is what the API's JSON encoder
/// would write, for awkward URLs and dates too.
@Suite struct DownloadURLTests {
    @Test(arguments: [
        "http://127.0.0.1:8080/v1/blobs/a/b/original.pdf?token=abc.def",
        "http://h/\"quoted\"/back\\slash/tab\there/nl\nnl/cr\r/bell\u{7}/\u{8}\u{c}\u{1f}/é→日本",
        "",
    ])
    func answerMatchesTheEncoder(url: String) throws {
        for seconds in [0.0, 1_764_532_013, 4_102_444_799, 951_782_400] {
            let answer = DownloadURL(url: url, expiresAt: Date(timeIntervalSince1970: seconds))
            let expected = try APIJSON.encoder.encode(answer)
            #expect(Array(buffer: answer.json()) == Array(expected), "\(seconds)")
        }
    }

    @Test func bearerKeysAreReadInAnyCaseAndTrimmed() {
        #expect(AuthMiddleware.bearerKey("Bearer dk_abc") == "dk_abc")
        #expect(AuthMiddleware.bearerKey("bEaReR \t dk_abc \t") == "dk_abc")
        #expect(AuthMiddleware.bearerKey("Bearer ") == "")
        #expect(AuthMiddleware.bearerKey("Basic dk_abc") == nil)
        #expect(AuthMiddleware.bearerKey("Bearer") == nil)
        #expect(AuthMiddleware.bearerKey("Bearerdk_abc") == nil)
        #expect(AuthMiddleware.bearerKey("Bearer\u{0}dk_abc") == nil)
    }
}
