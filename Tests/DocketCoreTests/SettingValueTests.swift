import DocketCore
import Testing

@Suite struct SettingValueTests {
    @Test(arguments: [
        ("30", Duration.seconds(30)), ("15s", .seconds(15)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
        ("7d", .seconds(604_800)), ("1.5s", .milliseconds(1500)), ("250ms", .milliseconds(250)), ("0", .zero),
    ])
    func durations(text: String, expected: Duration) {
        #expect(SettingValue.duration(text) == expected)
    }

    @Test(arguments: ["", "abc", "5x", "-1s", "1hh", "inf", "nan"])
    func badDurations(text: String) {
        #expect(SettingValue.duration(text) == nil)
    }

    @Test(arguments: [
        ("1048576", 1_048_576), ("512KiB", 524_288), ("100MB", 100_000_000), ("1GiB", 1_073_741_824),
        ("2G", 2_147_483_648), ("10B", 10),
    ])
    func byteCounts(text: String, expected: Int) {
        #expect(SettingValue.byteCount(text) == expected)
    }

    @Test(arguments: ["", "GiB", "-5", "12XB", "1e30GiB"])
    func badByteCounts(text: String) {
        #expect(SettingValue.byteCount(text) == nil)
    }
}
