import Testing

@testable import Reports

@Suite struct ReportTextTests {
    @Test("XML text drops what XML 1.0 forbids and escapes markup")
    func xml() {
        #expect(ReportText.xml("a<b>&\"'\u{0}\tc") == "a&lt;b&gt;&amp;&quot;&apos;\u{FFFD}\tc")
        #expect(ReportText.xml("line\nbreak", attribute: true) == "line&#10;break")
    }
}
