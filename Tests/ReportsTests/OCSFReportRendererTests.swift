import Audit
import Foundation
import Reports
import Testing

@Suite struct OCSFReportRendererTests {
    func events(_ report: AuditReport) throws -> [JSONValue] {
        try #require(try JSONValue.parse(OCSFReportRenderer().render(report)).arrayValue)
    }

    @Test("one Compliance Finding (class 2003, activity Create) per finding")
    func classification() throws {
        let report = ReportFixtures.clusters
        let events = try events(report)
        #expect(events.count == report.findings.count)
        for event in events {
            #expect(event["class_uid"] == 2003)
            #expect(event["class_name"] == "Compliance Finding")
            #expect(event["category_uid"] == 2)
            #expect(event["activity_id"] == 1)
            #expect(event["type_uid"] == 200301)
            #expect(event["metadata"]?["version"]?.stringValue?.hasPrefix("1.") == true)
            #expect(event["metadata"]?["product"]?["name"] == "ackguard")
            #expect(event["finding_info"]?["uid"]?.stringValue?.isEmpty == false)
            #expect(event["compliance"]?["standards"]?.arrayValue?.isEmpty == false)
            #expect(event["compliance"]?["requirements"]?.arrayValue?.isEmpty == false)
            #expect(event["severity_id"] == 3)
        }
    }

    @Test("statuses map to compliance.status_id: PASS 1, UNKNOWN 2, FAIL 3, NOT_APPLICABLE 99")
    func statuses() throws {
        let report = ReportFixtures.clusters
        for (event, finding) in zip(try events(report), report.findings) {
            let expected: JSONValue =
                switch finding.status {
                case .pass: 1
                case .unknown: 2
                case .fail: 3
                case .notApplicable: 99
                }
            #expect(event["compliance"]?["status_id"] == expected)
            #expect(event["status_code"]?.stringValue == finding.status.rawValue)
            #expect(event["unmapped"]?["reason"]?.stringValue == finding.reason.rawValue)
            #expect(event["resources"]?[0]?["uid"]?.stringValue == finding.clusterId)
            #expect(event["cloud"]?["region"]?.stringValue == finding.regionId)
        }
    }

    @Test("compliance names the benchmarks and lists the ids as requirements")
    func standards() throws {
        let event = try #require(try events(ReportFixtures.clusters).last)
        #expect(
            event["compliance"]?["standards"]
                == [
                    "Trend Micro Cloud One Conformity (Alibaba Cloud)", "CIS Alibaba Cloud Foundation Benchmark v2.0.0",
                ])
        #expect(event["compliance"]?["requirements"] == ["AlibabaCloud-ACK-007", "CIS-Alibaba-2.0-7.7"])
        #expect(event["compliance"]?["control"] == "ack-network-policy-support")
    }

    @Test("a suppressed finding has status Suppressed with the reason")
    func suppression() throws {
        let events = try events(ReportFixtures.clusters)
        let suppressed = try #require(events.first { $0["resources"]?[0]?["uid"] == "c0ffee01" })
        #expect(suppressed["status_id"] == 3)
        #expect(suppressed["status"] == "Suppressed")
        #expect(suppressed["unmapped"]?["suppression"]?["reason"] == "Sandbox, isolated by VPC ACLs (ticket SEC-42)")
        #expect(events.filter { $0["status_id"] == 3 }.count == 1)
    }

    @Test("time is the finish time in Unix milliseconds")
    func time() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: ReportFixtures.clusters.finishedAt))
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded())
        let event = try #require(try events(ReportFixtures.clusters).first)
        #expect(event["time"]?.intValue == milliseconds)
        #expect(event["time_dt"]?.stringValue == ReportFixtures.clusters.finishedAt)
    }

    @Test("infrastructure-code findings carry their file position in the resource")
    func location() throws {
        let events = try events(ReportFixtures.infrastructure)
        let flannel = try #require(events.first { $0["unmapped"]?["reason"] == "plugin-flannel" })
        #expect(flannel["resources"]?[0]?["uid"] == "infra/main.tf:12:1#alicloud_cs_managed_kubernetes.legacy")
        #expect(flannel["resources"]?[0]?["data"]?["location"]?["line"] == 12)
        #expect(flannel["time"] == 1_746_063_001_000)
    }
}
