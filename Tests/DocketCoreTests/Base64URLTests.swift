import DocketCore
import Foundation
import Testing

@Suite struct Base64URLTests {
    @Test func roundTripsEveryLengthWithoutPadding() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 251) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
    }

    /// The same text as Foundation's base64 with the URL alphabet and no padding.
    @Test func matchesFoundationsBase64() {
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            let standard = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == standard)
        }
    }

    @Test(arguments: ["a", "ab=c", "a+bc", "a/bc", "ab c", "abcde", "AB", "AAB", "é"])
    func rejectsWhatIsNotUnpaddedBase64URL(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
