@testable import DocketAPI
import Testing

@Suite struct ByteRangeTests {
    @Test(arguments: [
        ("bytes=0-99", 0, 100), ("bytes=100-", 100, 900), ("bytes=-10", 990, 10), ("bytes=990-5000", 990, 10),
        ("bytes=-5000", 0, 1000), ("bytes=999-999", 999, 1),
    ])
    func aSatisfiableRangeIsResolved(header: String, offset: Int, length: Int) {
        #expect(ByteRange(header: header, size: 1000) == ByteRange(offset: Int64(offset), length: Int64(length)))
    }

    /// Anything else is ignored: the whole blob goes out with 200.
    @Test(arguments: [nil, "", "bytes=1000-", "bytes=5-2", "bytes=0-1,5-6", "items=0-5", "bytes=-0", "bytes=a-b", "bytes=-"])
    func anythingElseMeansTheWholeBlob(header: String?) {
        #expect(ByteRange(header: header, size: 1000) == nil)
    }
}
