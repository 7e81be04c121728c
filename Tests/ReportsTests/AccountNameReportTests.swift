import Audit
import Reports
import Testing

/// A Resource Directory audit names each finding's member account in every format; reports without account names
/// are unchanged (the golden files hold them).
@Suite struct AccountNameReportTests {
    /// The fixture's findings with the member's display name set; one name needs escaping in HTML and XML.
    static let named: AuditReport = {
        var report = ReportFixtures.clusters
        for index in report.findings.indices where report.findings[index].accountId != nil {
            report.findings[index].accountName = "team <a&b>"
        }
        return report
    }()

    @Test("JSON, SARIF and OCSF carry the name next to the account id")
    func structured() {
        let json = JSONReportRenderer().render(Self.named).filter { !$0.isWhitespace }
        #expect(json.contains("\"accountName\":\"team<a&b>\""))
        let sarif = SARIFReportRenderer().render(Self.named).filter { !$0.isWhitespace }
        #expect(
            sarif.contains("\"accountName\":\"team<a&b>\"")
                || sarif.contains("\"accountName\":\"team\\u003ca&b\\u003e\""))
        let ocsf = OCSFReportRenderer().render(Self.named).filter { !$0.isWhitespace }
        #expect(ocsf.contains("\"name\":\"team<a&b>\"") || ocsf.contains("\"name\":\"team\\u003ca&b\\u003e\""))
    }

    @Test("HTML and JUnit show it escaped; the table prefixes id and name")
    func text() {
        let html = HTMLReportRenderer().render(Self.named)
        #expect(html.contains("1234567890123456 (team &lt;a&amp;b&gt;)"))
        let junit = JUnitReportRenderer().render(Self.named)
        #expect(junit.contains("account: 1234567890123456 (team &lt;a&amp;b&gt;)"))
        let table = TableReportRenderer(width: 200).render(Self.named)
        #expect(table.contains("1234567890123456 (team <a&b>)/"))
    }

    @Test("CSV adds accountName after accountId only when a finding has a name")
    func csv() throws {
        let named = try CSVReportRendererTests.parse(CSVReportRenderer().render(Self.named))
        let header = try #require(named.first)
        let column = try #require(header.firstIndex(of: "accountName"))
        #expect(header[column - 1] == "accountId")
        #expect(named.dropFirst().allSatisfy { $0.count == header.count })
        #expect(named.dropFirst().contains { $0[column] == "team <a&b>" })
        let plain = try CSVReportRendererTests.parse(CSVReportRenderer().render(ReportFixtures.clusters))
        #expect(plain.first == CSVReportRenderer.header)
    }
}
