import DocketCore
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

    @Test(arguments: ["a", "ab=c", "a+bc", "a/bc", "ab c", "abcde"])
    func rejectsWhatIsNotUnpaddedBase64URL(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
