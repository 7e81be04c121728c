import Audit
import Testing

@testable import Reports

@Suite struct SARIFReportRendererTests {
    func log(_ report: AuditReport) throws -> JSONValue {
        try JSONValue.parse(SARIFReportRenderer().render(report))
    }

    func results(_ report: AuditReport) throws -> [JSONValue] {
        try #require(try log(report)["runs"]?[0]?["results"]?.arrayValue)
    }

    @Test("declares SARIF 2.1.0 and lists the rules with help text and compliance ids")
    func rules() throws {
        let log = try log(ReportFixtures.clusters)
        #expect(log["version"] == "2.1.0")
        #expect(log["$schema"]?.stringValue?.hasSuffix("sarif-schema-2.1.0.json") == true)
        let driver = try #require(log["runs"]?[0]?["tool"]?["driver"])
        #expect(driver["name"] == "ackguard")
        #expect(driver["version"] == "0.9.0")
        let rules = try #require(driver["rules"]?.arrayValue)
        #expect(rules.map { $0["id"]?.stringValue } == ["ack-network-policy-coverage", "ack-network-policy-support"])
        let support = try #require(rules.first { $0["id"] == "ack-network-policy-support" })
        #expect(support["properties"]?["compliance"] == ["AlibabaCloud-ACK-007", "CIS-Alibaba-2.0-7.7"])
        #expect(support["help"]?["text"]?.stringValue?.contains("disable_network_policy") == true)
        #expect(support["help"]?["markdown"]?.stringValue?.contains("`terway-eniip`") == true)
        #expect(support["shortDescription"]?["text"] == "Enable Support for Network Policies")
        #expect(support["name"] == "EnableSupportForNetworkPolicies")
    }

    @Test("one result per FAIL and UNKNOWN, none for PASS or NOT_APPLICABLE")
    func resultPerFailure() throws {
        let report = ReportFixtures.clusters
        let results = try results(report)
        let expected = report.findings.filter { $0.status == .fail || $0.status == .unknown }
        #expect(results.count == expected.count)
        #expect(expected.count == 6)
        let rules = try #require(try log(report)["runs"]?[0]?["tool"]?["driver"]?["rules"]?.arrayValue)
        for (result, finding) in zip(results, expected) {
            #expect(result["ruleId"]?.stringValue == finding.rule.rawValue)
            let index = try #require(result["ruleIndex"]?.intValue)
            #expect(rules[index]["id"] == result["ruleId"])
            #expect(result["properties"]?["status"]?.stringValue == finding.status.rawValue)
            let expectedKind: JSONValue = finding.status == .fail ? "fail" : "open"
            let expectedLevel: JSONValue = finding.status == .fail ? "error" : "none"
            #expect(result["kind"] == expectedKind)
            #expect(result["level"] == expectedLevel)
            #expect(result["message"]?["text"]?.stringValue?.contains(finding.message) == true)
        }
    }

    @Test("cluster results carry the logical location cluster/<region>/<id>")
    func logicalLocation() throws {
        let results = try results(ReportFixtures.clusters)
        let flannel = try #require(results.first { $0["properties"]?["reason"] == "plugin-flannel" })
        let logical = try #require(flannel["locations"]?[0]?["logicalLocations"]?[0])
        #expect(logical["fullyQualifiedName"] == "cluster/cn-hangzhou/c4f1a2b3")
        #expect(logical["name"] == "c4f1a2b3")
        #expect(logical["kind"] == "resource")
        #expect(flannel["locations"]?[0]?["physicalLocation"] == nil)
        #expect(
            flannel["partialFingerprints"]?["ackguardFindingKey/v1"]
                == "ack-network-policy-support|1234567890123456|cn-hangzhou|c4f1a2b3")
    }

    @Test("a suppressed finding stays, with an accepted external suppression and its reason")
    func suppression() throws {
        let results = try results(ReportFixtures.clusters)
        let suppressed = try #require(results.first { $0["properties"]?["clusterId"] == "c0ffee01" })
        let entry = try #require(suppressed["suppressions"]?[0])
        #expect(entry["kind"] == "external")
        #expect(entry["status"] == "accepted")
        #expect(entry["justification"] == "Sandbox, isolated by VPC ACLs (ticket SEC-42)")
        #expect(entry["properties"]?["expires"] == "2099-12-31")
        let others = results.filter { $0["properties"]?["clusterId"] != "c0ffee01" }
        #expect(others.allSatisfy { $0["suppressions"] == nil })
    }

    @Test("a strict failure keeps the status the rule gave")
    func strict() throws {
        let results = try results(ReportFixtures.clusters)
        let strict = try #require(results.first { $0["properties"]?["clusterId"] == "c1a2b3c4" })
        #expect(strict["kind"] == "fail")
        #expect(strict["properties"]?["statusBeforeStrict"] == "PASS")
        #expect(strict["properties"]?["warnings"]?[0]?["code"] == "configmap-not-verified")
    }

    @Test("infrastructure-code results carry a physical location")
    func physicalLocation() throws {
        let results = try results(ReportFixtures.infrastructure)
        #expect(results.count == 2)
        let flannel = try #require(results.first { $0["properties"]?["reason"] == "plugin-flannel" })
        let physical = try #require(flannel["locations"]?[0]?["physicalLocation"])
        #expect(physical["artifactLocation"]?["uri"] == "infra/main.tf")
        #expect(physical["region"]?["startLine"] == 12)
        #expect(physical["region"]?["startColumn"] == 1)
        #expect(
            flannel["locations"]?[0]?["logicalLocations"]?[0]?["fullyQualifiedName"]
                == "alicloud_cs_managed_kubernetes.legacy")
        let unknown = try #require(results.first { $0["properties"]?["reason"] == "value-unknown" })
        #expect(
            unknown["locations"]?[0]?["physicalLocation"]?["artifactLocation"]?["uri"] == "infra/ros%20template.yaml")
        #expect(unknown["locations"]?[0]?["physicalLocation"]?["region"]?["startColumn"] == 5)
    }

    @Test(
        "paths become URI references",
        arguments: [
            ("main.tf", "main.tf"),
            ("dir with space/a#b.tf", "dir%20with%20space/a%23b.tf"),
            ("/abs/path/ü.tf", "file:///abs/path/%C3%BC.tf"),
        ])
    func uris(_ path: String, _ uri: String) {
        #expect(ReportText.uri(forPath: path) == uri)
    }

    @Test("notices become tool execution notifications")
    func notices() throws {
        let log = try log(ReportFixtures.clusters)
        let notifications = try #require(log["runs"]?[0]?["invocations"]?[0]?["toolExecutionNotifications"]?.arrayValue)
        #expect(notifications.count == 1)
        #expect(notifications[0]["message"]?["text"]?.stringValue?.contains("expired") == true)
        #expect(log["runs"]?[0]?["invocations"]?[0]?["executionSuccessful"] == true)
    }

    @Test("an empty audit is a valid log with no results")
    func empty() throws {
        #expect(try results(ReportFixtures.empty).isEmpty)
    }
}
