import Audit
import Reports
import Testing

@Suite struct CSVReportRendererTests {
    /// A strict RFC 4180 reader: records end with CRLF, quoted fields may hold anything.
    static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                try #require(field.isEmpty, "a quote inside an unquoted field")
                quoted = true
            case ",":
                record.append(field)
                field = ""
            case "\r":
                try #require(scalars.popFirst() == "\n", "CR without LF")
                record.append(field)
                records.append(record)
                record = []
                field = ""
            case "\n":
                Issue.record("bare LF outside quotes")
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        try #require(!quoted && field.isEmpty && record.isEmpty, "the last record must end with CRLF")
        return records
    }

    @Test("a header row and one record per finding, every record as wide as the header")
    func shape() throws {
        let report = ReportFixtures.clusters
        let records = try Self.parse(CSVReportRenderer().render(report))
        #expect(records.first == CSVReportRenderer.header)
        #expect(records.count == report.findings.count + 1)
        #expect(records.allSatisfy { $0.count == CSVReportRenderer.header.count })
    }

    @Test("quotes, commas and suppression fields survive a round trip")
    func roundTrip() throws {
        let records = try Self.parse(CSVReportRenderer().render(ReportFixtures.clusters))
        let header = records[0]
        let column = { (name: String) in header.firstIndex(of: name)! }
        let suppressed = try #require(records.first { $0[column("clusterId")] == "c0ffee01" })
        #expect(suppressed[column("clusterName")] == "sandbox \"lab\", team-a")
        #expect(suppressed[column("suppressed")] == "true")
        #expect(suppressed[column("suppressionReason")] == "Sandbox, isolated by VPC ACLs (ticket SEC-42)")
        #expect(suppressed[column("suppressionExpires")] == "2099-12-31")
        #expect(suppressed[column("status")] == "FAIL")
        let strict = try #require(records.first { $0[column("clusterId")] == "c1a2b3c4" })
        #expect(strict[column("statusBeforeStrict")] == "PASS")
        #expect(strict[column("warnings")] == "configmap-not-verified: kube-system/eni-config was not read.")
        #expect(strict[column("compliance")] == "AlibabaCloud-ACK-007 CIS-Alibaba-2.0-7.7")
    }

    @Test("infrastructure-code findings show file:line:column")
    func location() throws {
        let records = try Self.parse(CSVReportRenderer().render(ReportFixtures.infrastructure))
        let column = records[0].firstIndex(of: "location")!
        #expect(records.dropFirst().map { $0[column] }.contains("infra/ros template.yaml:7:5"))
        #expect(records.dropFirst().map { $0[column] }.contains("infra/main.tf:12:1"))
    }

    @Test("fields that a spreadsheet would evaluate are neutralised; line breaks stay inside quotes")
    func injection() throws {
        var finding = ReportFixtures.clusters.findings[0]
        finding.clusterName = "=HYPERLINK(\"http://x\",\"y\")"
        finding.message = "two\r\nlines, \"quoted\""
        var report = ReportFixtures.clusters
        report.findings = [finding]
        let records = try Self.parse(CSVReportRenderer().render(report))
        let header = records[0]
        #expect(records[1][header.firstIndex(of: "clusterName")!] == "'=HYPERLINK(\"http://x\",\"y\")")
        #expect(records[1][header.firstIndex(of: "message")!] == "two\r\nlines, \"quoted\"")
    }

    @Test("an empty audit is the header alone")
    func empty() {
        #expect(
            CSVReportRenderer().render(ReportFixtures.empty) == CSVReportRenderer.header.joined(separator: ",") + "\r\n"
        )
    }
}
