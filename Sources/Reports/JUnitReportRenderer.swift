public import Audit

/// JUnit XML (the Ant/Jenkins dialect CI systems read): one `<testsuite>` per rule, one `<testcase>` per finding.
/// FAIL gives `<failure>`, UNKNOWN `<error>`, NOT_APPLICABLE `<skipped>`, PASS an empty testcase. A suppressed finding
/// is `<skipped>` with the suppression's reason and expiry (it does not fail the build), and keeps its real status in
/// the text.
public struct JUnitReportRenderer: ReportRenderer {
    public init() {}

    struct Counts {
        var tests = 0
        var failures = 0
        var errors = 0
        var skipped = 0

        mutating func add(_ finding: Finding) {
            tests += 1
            if finding.suppression != nil {
                skipped += 1
                return
            }
            switch finding.status {
            case .fail: failures += 1
            case .unknown: errors += 1
            case .notApplicable: skipped += 1
            case .pass: break
            }
        }

        func attributes() -> String {
            "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\""
        }
    }

    public func render(_ report: AuditReport) -> String {
        let rules = Array(Set(report.rules).union(report.findings.map(\.rule))).sorted()
        var total = Counts()
        report.findings.forEach { total.add($0) }
        var time = ""
        if let start = Timestamp.epochMilliseconds(report.startedAt),
            let end = Timestamp.epochMilliseconds(report.finishedAt), end >= start
        {
            let milliseconds = end - start
            let fraction = String(milliseconds % 1000)
            time = " time=\"\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count) + fraction)\""
        }
        let timestamp = " timestamp=\"\(ReportText.xml(report.startedAt, attribute: true))\""
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"\(ReportText.xml(report.toolName, attribute: true))\" \(total.attributes())"
            + "\(time)>\n"
        for rule in rules {
            let findings = report.findings.filter { $0.rule == rule }
            var counts = Counts()
            findings.forEach { counts.add($0) }
            xml += "  <testsuite name=\"\(rule.rawValue)\" \(counts.attributes())\(timestamp)\(time)>\n"
            xml += "    <properties>\n"
            var properties = [
                ("title", rule.title),
                ("compliance", rule.compliance.joined(separator: ", ")),
                ("risk", rule.risk),
                ("tool", "\(report.toolName) \(report.toolVersion)"),
                ("source", report.source.kind.rawValue),
            ]
            if !report.source.regions.isEmpty {
                properties.append(("regions", report.source.regions.joined(separator: ",")))
            }
            if let account = report.source.account { properties.append(("account", account)) }
            for (name, value) in properties {
                xml += "      <property name=\"\(name)\" value=\"\(ReportText.xml(value, attribute: true))\"/>\n"
            }
            xml += "    </properties>\n"
            for finding in findings { xml += testcase(finding) }
            if !report.notices.isEmpty {
                // Run-level notes (expired or unused suppressions, skipped regions) have no JUnit element of their
                // own: every suite carries them in its system-err.
                let notices = report.notices.map { "notice: \($0)" }.joined(separator: "\n")
                xml += "    <system-err>\(ReportText.xml(notices))</system-err>\n"
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    func testcase(_ finding: Finding) -> String {
        let name: String
        let classname: String
        if let location = finding.location {
            name = "\(finding.clusterName) at \(ReportText.text(location))"
            classname = "\(finding.rule.rawValue).\(location.file)"
        } else {
            name =
                finding.clusterName.isEmpty || finding.clusterName == finding.clusterId
                ? finding.clusterId : "\(finding.clusterName) (\(finding.clusterId))"
            classname = "\(finding.rule.rawValue).\(finding.regionId)"
        }
        var xml =
            "    <testcase classname=\"\(ReportText.xml(classname, attribute: true))\" "
            + "name=\"\(ReportText.xml(name, attribute: true))\">\n"
        let message = ReportText.xml("\(finding.reason.rawValue): \(finding.message)", attribute: true)
        let details = ReportText.xml(body(finding))
        if let suppression = finding.suppression {
            let text = "suppressed until \(suppression.expires): \(suppression.reason)"
            xml +=
                "      <skipped message=\"\(ReportText.xml(text, attribute: true))\">"
                + "\(ReportText.xml("status \(finding.status.rawValue)\n"))\(details)</skipped>\n"
        } else {
            switch finding.status {
            case .fail:
                xml +=
                    "      <failure type=\"\(finding.reason.rawValue)\" message=\"\(message)\">\(details)</failure>\n"
            case .unknown:
                xml += "      <error type=\"\(finding.reason.rawValue)\" message=\"\(message)\">\(details)</error>\n"
            case .notApplicable:
                xml += "      <skipped message=\"\(message)\"/>\n"
            case .pass:
                break
            }
        }
        xml += "      <system-out>\(ReportText.xml(systemOut(finding)))</system-out>\n"
        xml += "    </testcase>\n"
        return xml
    }

    /// The failure/error text: the message, warnings and the remediation steps.
    func body(_ finding: Finding) -> String {
        var lines = [finding.message]
        if let before = finding.statusBeforeStrict { lines.append("strict: the rule gave \(before.rawValue)") }
        for warning in finding.warnings { lines.append("warning \(warning.code.rawValue): \(warning.message)") }
        if !finding.remediation.steps.isEmpty {
            lines.append("remediation (\(finding.remediation.kind.rawValue)):")
            for (number, step) in finding.remediation.steps.enumerated() { lines.append("  \(number + 1). \(step)") }
        }
        return lines.joined(separator: "\n")
    }

    /// Where the finding points and its evidence.
    func systemOut(_ finding: Finding) -> String {
        var lines = [
            "rule: \(finding.rule.rawValue) (\(finding.compliance.joined(separator: ", ")))",
            "status: \(finding.status.rawValue)",
            "reason: \(finding.reason.rawValue)",
            "location: \(ReportText.place(finding))",
        ]
        if let account = finding.accountId {
            lines.append("account: \(account)" + (finding.accountName.map { " (\($0))" } ?? ""))
        }
        if finding.location == nil { lines.append("cluster name: \(finding.clusterName)") }
        for key in finding.evidence.keys.sorted() {
            lines.append("evidence \(key): \(finding.evidence[key]!.serialized())")
        }
        return lines.joined(separator: "\n")
    }
}
