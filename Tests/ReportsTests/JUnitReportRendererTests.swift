import Audit
import Foundation
import Reports
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct JUnitReportRendererTests {
    func document(_ report: AuditReport) throws -> XMLDocument {
        try XMLDocument(xmlString: JUnitReportRenderer().render(report), options: [])
    }

    func count(_ document: XMLDocument, _ xpath: String) throws -> Int {
        try document.nodes(forXPath: xpath).count
    }

    @Test("a testcase per finding: FAIL is a failure, UNKNOWN an error, NOT_APPLICABLE and suppressed skipped")
    func statuses() throws {
        let report = ReportFixtures.clusters
        let document = try document(report)
        #expect(try count(document, "//testcase") == report.findings.count)
        #expect(try count(document, "//testcase/failure") == 3)
        #expect(try count(document, "//testcase/error") == 2)
        #expect(try count(document, "//testcase/skipped") == 2)
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "8")
        #expect(root.attribute(forName: "failures")?.stringValue == "3")
        #expect(root.attribute(forName: "errors")?.stringValue == "2")
        #expect(root.attribute(forName: "skipped")?.stringValue == "2")
        #expect(root.attribute(forName: "time")?.stringValue == "42.250")
        let suites = try document.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
        #expect(
            suites.compactMap { $0.attribute(forName: "name")?.stringValue }
                == ["ack-network-policy-coverage", "ack-network-policy-support"])
    }

    @Test("the suppressed failure is skipped with its reason, keeping its real status")
    func suppressed() throws {
        let document = try document(ReportFixtures.clusters)
        let skipped = try document.nodes(forXPath: "//testcase/skipped").compactMap { $0 as? XMLElement }
        let suppressed = try #require(
            skipped.first { $0.attribute(forName: "message")?.stringValue?.hasPrefix("suppressed") == true })
        #expect(
            suppressed.attribute(forName: "message")?.stringValue
                == "suppressed until 2099-12-31: Sandbox, isolated by VPC ACLs (ticket SEC-42)")
        #expect(suppressed.stringValue?.hasPrefix("status FAIL\n") == true)
        let testcase = try #require(suppressed.parent as? XMLElement)
        #expect(testcase.attribute(forName: "name")?.stringValue == "sandbox \"lab\", team-a (c0ffee01)")
    }

    @Test("failures carry the reason, message, warnings and remediation")
    func failureText() throws {
        let document = try document(ReportFixtures.clusters)
        let failures = try document.nodes(forXPath: "//testcase/failure").compactMap { $0 as? XMLElement }
        let strict = try #require(failures.first { $0.stringValue?.contains("strict: the rule gave PASS") == true })
        #expect(strict.attribute(forName: "type")?.stringValue == "addon-policy-enabled")
        #expect(strict.stringValue?.contains("warning configmap-not-verified") == true)
        let flannel = try #require(failures.first { $0.attribute(forName: "type")?.stringValue == "plugin-flannel" })
        #expect(flannel.stringValue?.contains("remediation (recreate-cluster):\n  1. Create a new cluster") == true)
    }

    @Test("infrastructure-code testcases name file:line:column")
    func locations() throws {
        let document = try document(ReportFixtures.infrastructure)
        let names = try document.nodes(forXPath: "//testcase").compactMap {
            ($0 as? XMLElement)?.attribute(forName: "name")?.stringValue
        }
        #expect(names.contains("alicloud_cs_managed_kubernetes.legacy at infra/main.tf:12:1"))
        #expect(names.contains("Resources.Cluster at infra/ros template.yaml:7:5"))
    }

    @Test("markup and control characters in values cannot break the document")
    func escaping() throws {
        var finding = ReportFixtures.clusters.findings[0]
        finding.clusterName = "<evil attr=\"x\"> & 'co'\u{1}"
        finding.message = "]]></failure><injected/>"
        var report = ReportFixtures.clusters
        report.findings = [finding]
        let document = try document(report)
        #expect(try count(document, "//injected") == 0)
        let testcase = try #require(try document.nodes(forXPath: "//testcase").first as? XMLElement)
        #expect(testcase.attribute(forName: "name")?.stringValue?.hasPrefix("<evil attr=\"x\"> & 'co'\u{FFFD}") == true)
    }
}
