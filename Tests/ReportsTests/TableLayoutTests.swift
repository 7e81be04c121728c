import Audit
import Testing

@testable import Reports

/// The table fits the terminal (issue 18): golden files at 80, 120 and 200 columns, and the properties every width
/// keeps — rows start at column 0 and continuation lines never do, no value is cut, the message is all there.
@Suite struct TableLayoutTests {
    /// A fleet shaped like the demo's: long cluster ids, messages of about 100 characters with the decisive value
    /// near the end, every status.
    static let fleet: AuditReport = {
        func finding(
            _ name: String, _ id: String, _ region: String, _ status: Status, _ reason: ReasonCode, _ message: String,
            remediation: Remediation = .none
        ) -> Finding {
            Finding(
                rule: .networkPolicySupport, clusterId: id, clusterName: name, regionId: region, status: status,
                reason: reason, message: message,
                evidence: ["configMap": ["disable_network_policy": "true", "source": "GET /api/v1/namespaces/x"]],
                remediation: remediation)
        }
        let findings = [
            finding(
                "prod-payments-11", "c7d136a92851f5caa4e6c653528c8abdd", "ap-southeast-1", .pass,
                .configMapPolicyEnabled,
                "Terway shared-ENI enforces NetworkPolicy (kube-system/eni-config: disable_network_policy is \"false\")"
            ),
            finding(
                "prod-checkout-17", "c816a737b082c6d93c44952d457fd34fe", "ap-southeast-1", .fail,
                .configMapPolicyDisabled,
                "kube-system/eni-config sets disable_network_policy to \" false\": Terway does not enforce NetworkPolicy",
                remediation: Remediation(
                    kind: .editConfigMap,
                    steps: ["kubectl -n kube-system patch configmap eni-config -p '{\"data\":{\"x\":\"false\"}}'"])),
            finding(
                "dev-gateway-05", "c83cc0cd38350dfd07aeb7c743c3c2bcc", "cn-beijing", .unknown, .policyStateUnknown,
                "Terway shared-ENI, but nothing says whether network policy is on: the add-on config has no "
                    + "NetworkPolicy; kube-system/eni-config could not be read"),
            finding(
                "qa-identity-23", "cd6ce389941c03a8932f4fec3ef2cd3f0", "eu-central-1", .notApplicable, .clusterDeleted,
                "the cluster is delete_failed; there is nothing to audit",
                remediation: Remediation(kind: .none, steps: ["Delete the cluster again."])),
        ]
        return AuditReport(
            toolVersion: "0.9.0", startedAt: "2025-05-01T08:00:00Z", finishedAt: "2025-05-01T08:00:01Z",
            source: .init(kind: .live, regions: ["ap-southeast-1", "cn-beijing", "eu-central-1"]),
            rules: [.networkPolicySupport], findings: AuditEngine.sorted(findings),
            notices: ["region us-west-1 could not be listed"])
    }()

    static let nextSteps: [TableReportRenderer.NextStep] = [
        .init(purpose: "evidence and remediation", command: "ackguard audit --demo -v"),
        .init(purpose: "a fix plan", command: "ackguard fix --demo"),
    ]

    static let reports: [(name: String, report: AuditReport)] = [
        ("fleet", fleet), ("report", ReportFixtures.clusters), ("iac", ReportFixtures.infrastructure),
    ]

    static let cases: [String] = reports.flatMap { report in [80, 120, 200].map { "\(report.name)-\($0).txt" } }

    static func render(_ report: AuditReport, width: Int, verbose: Bool = false) -> String {
        let steps =
            report.source.kind == .iac
            ? [TableReportRenderer.NextStep(purpose: "evidence and remediation", command: "ackguard iac infra -v")]
            : nextSteps
        return TableReportRenderer(verbose: verbose, width: width, nextSteps: steps).render(report)
    }

    @Test("renders the golden table", arguments: TableLayoutTests.cases)
    func golden(_ file: String) throws {
        let name = String(file.prefix { $0 != "-" })
        let width = try #require(Int(file.dropFirst(name.count + 1).prefix { $0.isNumber }))
        let report = try #require(Self.reports.first { $0.name == name }).report
        try Golden.check(Self.render(report, width: width), "table/" + file)
    }

    @Test("the layout narrows in steps: message beside the row, under it, then id and region under it too")
    func layouts() {
        let renderer = { (width: Int) in TableReportRenderer(width: width) }
        let wide = renderer(200).render(Self.fleet)
        #expect(wide.contains("prod-payments-11 (c7d136a92851f5caa4e6c653528c8abdd)  PASS"))
        #expect(wide.split(separator: "\n").first?.hasSuffix("MESSAGE") == true)
        let below = renderer(120).render(Self.fleet)
        #expect(below.contains("\n    Terway shared-ENI enforces NetworkPolicy (kube-system/eni-config:"))
        #expect(below.contains("ap-southeast-1\n"))
        let narrow = renderer(80).render(Self.fleet)
        #expect(narrow.contains("\nprod-payments-11  PASS"))
        #expect(narrow.contains("\n    c7d136a92851f5caa4e6c653528c8abdd  ap-southeast-1\n"))
    }

    @Test(
        "at every width: lines fit unless one word is longer, rows start at column 0, no word is cut or lost",
        arguments: [40, 55, 80, 100, 120, 160, 200, 300])
    func properties(width: Int) {
        for (name, report) in Self.reports {
            for verbose in [false, true] {
                let text = Self.render(report, width: width, verbose: verbose)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                // The table part: up to the blank line before the summary (verbose details are exempt from the width).
                if !verbose {
                    for line in lines where line.count > width {
                        let longest = line.split(separator: " ").map(\.count).max() ?? 0
                        let overflowsAWord = longest > width - 4
                        let rowTooWide = !line.hasPrefix(" ")
                        #expect(overflowsAWord || rowTooWide && width < 80, "\(name) at \(width): \(line)")
                    }
                }
                let rows = lines.filter { !$0.isEmpty && !$0.hasPrefix(" ") }
                let findingRows = rows.filter { row in
                    report.findings.contains { row.contains($0.reason.rawValue) && row.contains($0.status.rawValue) }
                }
                #expect(findingRows.count == report.findings.count, "\(name) at \(width)")
                // Every word of every message is there, whole, in order.
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
                var remaining = words[...]
                for finding in report.findings {
                    for word in finding.message.split(separator: " ") {
                        guard let index = remaining.firstIndex(of: word) else {
                            Issue.record("\(name) at \(width): the word \(word) is missing or cut")
                            break
                        }
                        remaining = remaining[(index + 1)...]
                    }
                }
            }
        }
    }

    @Test("wrapping breaks only between words; a word longer than the line stays whole")
    func wrapping() {
        #expect(TableReportRenderer.wrap("sets it to \"false\" now", width: 12) == ["sets it to", "\"false\" now"])
        #expect(
            TableReportRenderer.wrap("a c816a737b082c6d93c44952d457fd34fe b", width: 10)
                == ["a", "c816a737b082c6d93c44952d457fd34fe", "b"])
        #expect(TableReportRenderer.wrap("short", width: 10) == ["short"])
    }

    @Test("the summary says what the exit code means and what to run next")
    func guidance() {
        let text = Self.render(Self.fleet, width: 100)
        #expect(text.contains("exit code 1: at least one FAIL\n"))
        #expect(text.contains("evidence and remediation:  ackguard audit --demo -v\n"))
        #expect(text.contains("a fix plan:                ackguard fix --demo\n"))
        let incomplete = TableReportRenderer(exitCode: 3).render(ReportFixtures.empty)
        #expect(incomplete.contains("exit code 3: no FAIL, but the audit is incomplete"))
        #expect(TableReportRenderer().render(ReportFixtures.empty).contains("exit code 0: no FAIL and no UNKNOWN"))
    }

    @Test("remediation is labelled by its kind, never \"(none)\"")
    func remediationLabel() {
        let text = Self.render(Self.fleet, width: 120, verbose: true)
        #expect(!text.contains("remediation (none)"))
        #expect(text.contains("    remediation:\n      1. Delete the cluster again."))
        #expect(text.contains("    remediation (edit-configmap):\n      1. kubectl -n kube-system patch"))
    }

    @Test("hostile names and messages stay inert and one row at every width", arguments: [40, 80, 120, 200])
    func hostile(width: Int) {
        for verbose in [false, true] {
            let text = TableReportRenderer(color: true, verbose: verbose, width: width).render(HostileTextTests.report)
            let uncoloured = text.replacing(/\u{1B}\[[0-9;]*m/, with: "")
            #expect(!uncoloured.unicodeScalars.contains { InertText.isActive($0) && $0 != "\n" })
            let lines = text.split(separator: "\n")
            #expect(lines.filter { $0.hasPrefix(#"prod\nFAKE ROW PASS"#) || $0.hasPrefix("=HYPERLINK") }.count == 2)
            #expect(!lines.contains { $0.hasPrefix("FAKE ROW PASS") || $0.hasPrefix("owned") })
        }
    }

    @Test("a cluster name that starts with spaces cannot pass for a continuation line")
    func leadingSpaces() {
        var report = Self.fleet
        report.findings[0].clusterName = "   \u{1b}[2Jfake"
        for width in [80, 120, 200] {
            let text = TableReportRenderer(width: width).render(report)
            #expect(text.contains(#"\u{20}\u{20}\u{20}\u{1b}[2Jfake"#), "width \(width)")
        }
    }
}
