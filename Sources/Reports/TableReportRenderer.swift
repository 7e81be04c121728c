import Audit

/// The human table: one row per finding, then a summary line. `verbose` adds each finding's warnings, evidence and
/// remediation under its row. Colour (ANSI) only when `color` is true: the caller decides (TTY, `NO_COLOR`,
/// `--color`).
///
/// Every value from outside (names, ids, messages, evidence, notes) goes through ``InertText``: a newline, a
/// carriage return or an escape sequence in a cluster name is shown as `\n`, `\r`, `\u{1b}`, so one finding is one
/// row and the terminal only displays what it is given, with or without colour.
public struct TableReportRenderer: ReportRenderer {
    public var color: Bool
    public var verbose: Bool
    public var maxMessageWidth: Int

    public init(color: Bool = false, verbose: Bool = false, maxMessageWidth: Int = 96) {
        self.color = color
        self.verbose = verbose
        self.maxMessageWidth = maxMessageWidth
    }

    public func render(_ report: AuditReport) -> String {
        let multipleRules = Set(report.findings.map(\.rule)).count > 1
        let isIaC = report.findings.contains { $0.location != nil }
        var header = [isIaC ? "RESOURCE" : "CLUSTER", isIaC ? "LOCATION" : "REGION", "STATUS", "REASON", "MESSAGE"]
        if multipleRules { header.insert("RULE", at: 0) }
        let multipleAccounts = Set(report.findings.compactMap(\.accountId)).count > 1
        var rows: [[String]] = []
        for finding in report.findings {
            var cluster =
                isIaC || finding.clusterName.isEmpty || finding.clusterName == finding.clusterId
                ? finding.clusterId : "\(finding.clusterName) (\(finding.clusterId))"
            if multipleAccounts, let account = finding.accountId { cluster = account + "/" + cluster }
            let place = finding.location.map { "\($0.file):\($0.line):\($0.column)" } ?? finding.regionId
            var status = finding.status.rawValue
            if finding.suppression != nil { status += " (suppressed)" }
            var row = [
                InertText.escaped(cluster), InertText.escaped(place), status, finding.reason.rawValue,
                Self.truncate(InertText.escaped(finding.message), maxMessageWidth),
            ]
            if multipleRules { row.insert(Self.shortRule(finding.rule), at: 0) }
            rows.append(row)
        }
        let statusColumn = multipleRules ? 3 : 2
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < row.count - 1 {
                widths[column] = max(widths[column], cell.count)
            }
        }
        var output = ""
        if rows.isEmpty {
            output += "No clusters found.\n"
        } else {
            output += line(header, widths: widths, statusColumn: nil) + "\n"
            for (index, row) in rows.enumerated() {
                output +=
                    line(row, widths: widths, statusColumn: statusColumn, status: report.findings[index].status)
                    + "\n"
                if verbose { output += details(report.findings[index]) }
            }
        }
        output += "\n" + summaryLine(report) + "\n"
        for notice in report.notices { output += "note: \(InertText.escaped(notice))\n" }
        return output
    }

    func line(_ cells: [String], widths: [Int], statusColumn: Int?, status: Status? = nil) -> String {
        var parts: [String] = []
        for (column, cell) in cells.enumerated() {
            let padded = column == cells.count - 1 ? cell : cell.padding(to: widths[column])
            if column == statusColumn, let status, color {
                parts.append(Self.paint(padded, status))
            } else {
                parts.append(padded)
            }
        }
        return parts.joined(separator: "  ").trailingSpacesRemoved
    }

    func details(_ finding: Finding) -> String {
        var text = ""
        let indent = "    "
        for warning in finding.warnings {
            text += indent + "warning \(warning.code.rawValue): \(InertText.escaped(warning.message))\n"
        }
        if let suppression = finding.suppression {
            text += indent + InertText.escaped("suppressed until \(suppression.expires): \(suppression.reason)") + "\n"
        }
        for key in finding.evidence.keys.sorted() {
            text += indent + InertText.escaped("evidence \(key): \(finding.evidence[key]!.serialized())") + "\n"
        }
        if !finding.remediation.steps.isEmpty {
            text += indent + "remediation (\(finding.remediation.kind.rawValue)):\n"
            for (number, step) in finding.remediation.steps.enumerated() {
                text += indent + "  \(number + 1). \(InertText.escaped(step))\n"
            }
        }
        return text + "\n"
    }

    public func summaryLine(_ report: AuditReport) -> String {
        let summary = report.summary
        let clusters = Set(report.findings.map { ($0.accountId ?? "") + "/" + $0.clusterId }).count
        let noun = report.findings.contains { $0.location != nil } ? "resource" : "cluster"
        var parts = Status.allCases.sorted().map { status -> String in
            let text = "\(summary[status]) \(status.rawValue)"
            return color && summary[status] > 0 ? Self.paint(text, status) : text
        }
        if summary.suppressed > 0 { parts.append("\(summary.suppressed) suppressed") }
        return "\(clusters) \(noun)\(clusters == 1 ? "" : "s"), \(report.findings.count) finding"
            + "\(report.findings.count == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }

    static func paint(_ text: String, _ status: Status) -> String {
        let code: String
        switch status {
        case .pass: code = "32"
        case .fail: code = "1;31"
        case .unknown: code = "33"
        case .notApplicable: code = "2"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    static func shortRule(_ rule: RuleID) -> String {
        switch rule {
        case .networkPolicySupport: "support"
        case .networkPolicyCoverage: "coverage"
        }
    }

    static func truncate(_ text: String, _ width: Int) -> String {
        guard width > 1, text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate var trailingSpacesRemoved: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
