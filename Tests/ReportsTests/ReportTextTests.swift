import Testing

@testable import Reports

@Suite struct ReportTextTests {
    @Test(
        "RFC 3339 timestamps become Unix milliseconds",
        arguments: [
            ("1970-01-01T00:00:00Z", Int64(0)),
            ("2025-05-01T08:00:42.250Z", Int64(1_746_086_442_250)),
            ("2025-05-01T09:30:01+08:00", Int64(1_746_063_001_000)),
            ("2000-02-29T23:59:59.9-01:30", Int64(951_874_199_900)),
            ("1969-12-31T23:59:59Z", Int64(-1000)),
        ])
    func timestamps(_ text: String, _ milliseconds: Int64) {
        #expect(ReportTimestamp.epochMilliseconds(text) == milliseconds)
    }

    @Test(
        "malformed timestamps are refused",
        arguments: [
            "2025-02-29T00:00:00Z", "2025-05-01", "2025-05-01T08:00:00", "2025-13-01T00:00:00Z",
            "2025-05-01T08:00:00.Z",
            "2025-05-01T08:00:00Z trailing",
        ])
    func malformed(_ text: String) {
        #expect(ReportTimestamp.epochMilliseconds(text) == nil)
    }

    @Test("XML text drops what XML 1.0 forbids and escapes markup")
    func xml() {
        #expect(ReportText.xml("a<b>&\"'\u{0}\tc") == "a&lt;b&gt;&amp;&quot;&apos;\u{FFFD}\tc")
        #expect(ReportText.xml("line\nbreak", attribute: true) == "line&#10;break")
    }
}
