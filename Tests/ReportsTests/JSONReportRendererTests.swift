import Audit
import Reports
import Testing

@Suite struct JSONReportRendererTests {
    static var reports: [AuditReport] {
        var noticed = ReportFixtures.clusters
        noticed.notices = ["the listing of eu-west-1 failed: the audit is incomplete"]
        return [ReportFixtures.clusters, ReportFixtures.infrastructure, ReportFixtures.empty, noticed]
    }

    @Test("written finding by finding, the text is the whole document's pretty serialization", arguments: 0..<4)
    func streamedEqualsWhole(_ index: Int) throws {
        let report = Self.reports[index]
        let text = JSONReportRenderer().render(report)
        #expect(text == JSONReportRenderer.document(report).serialized(pretty: true) + "\n")
        let parsed = try JSONValue.parse(text)
        #expect(parsed == JSONReportRenderer.document(report))
        #expect(parsed["findings"]?.arrayValue?.count == report.findings.count)
    }
}
