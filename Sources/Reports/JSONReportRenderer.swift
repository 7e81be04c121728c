public import Audit

/// The JSON report of RULE.md, schema version 1. Object keys are sorted, findings come in report order, so two runs
/// over the same evidence give the same bytes apart from the timestamps.
public struct JSONReportRenderer: ReportRenderer {
    public static let schemaVersion = 1

    public init() {}

    /// The text of ``document(_:)`` pretty-printed, written one finding at a time: at fleet scale a whole tree of the
    /// report would hold a second copy of every finding while the text is written.
    public func render(_ report: AuditReport) -> String {
        // The document without findings, whose "findings" member is where they are written one by one.
        guard case .object(let members) = Self.document(report, findings: []) else { return "" }
        var output = "{"
        for (position, key) in JSONValue.sortedKeys(members).enumerated() {
            output += position == 0 ? "\n  " : ",\n  "
            JSONValue.string(key).write(into: &output, pretty: true, indent: 1)
            output += ": "
            guard key == "findings", !report.findings.isEmpty else {
                members[key]!.write(into: &output, pretty: true, indent: 1)
                continue
            }
            output += "["
            for (index, finding) in report.findings.enumerated() {
                output += index == 0 ? "\n    " : ",\n    "
                Self.encode(finding).write(into: &output, pretty: true, indent: 2)
            }
            output += "\n  ]"
        }
        output += "\n}\n"
        return output
    }

    public static func document(_ report: AuditReport) -> JSONValue {
        document(report, findings: report.findings)
    }

    static func document(_ report: AuditReport, findings: [Finding]) -> JSONValue {
        let summary = report.summary
        var source: [String: JSONValue] = [
            "kind": .string(report.source.kind.rawValue),
            "regions": .array(report.source.regions.map(JSONValue.string)),
        ]
        if let account = report.source.account { source["account"] = .string(account) }
        if let location = report.source.location { source["location"] = .string(location) }
        var summaryObject: [String: JSONValue] = [:]
        for status in Status.allCases { summaryObject[status.rawValue] = .number(Double(summary[status])) }
        if summary.suppressed > 0 { summaryObject["suppressed"] = .number(Double(summary.suppressed)) }
        var document: [String: JSONValue] = [
            "schemaVersion": .number(Double(schemaVersion)),
            "tool": ["name": .string(report.toolName), "version": .string(report.toolVersion)],
            "startedAt": .string(report.startedAt),
            "finishedAt": .string(report.finishedAt),
            "source": .object(source),
            "rules": .array(report.rules.map { .string($0.rawValue) }),
            "findings": .array(findings.map(encode)),
            "summary": .object(summaryObject),
        ]
        if !report.notices.isEmpty { document["notices"] = .array(report.notices.map(JSONValue.string)) }
        return .object(document)
    }

    /// One finding as the schema shows it.
    public static func encode(_ finding: Finding) -> JSONValue {
        var object: [String: JSONValue] = [
            "rule": .string(finding.rule.rawValue),
            "clusterId": .string(finding.clusterId),
            "clusterName": .string(finding.clusterName),
            "regionId": .string(finding.regionId),
            "status": .string(finding.status.rawValue),
            "reason": .string(finding.reason.rawValue),
            "message": .string(finding.message),
            "warnings": .array(
                finding.warnings.map {
                    ["code": .string($0.code.rawValue), "message": .string($0.message), "details": .object($0.details)]
                }),
            "evidence": .object(finding.evidence),
            "remediation": [
                "kind": .string(finding.remediation.kind.rawValue),
                "steps": .array(finding.remediation.steps.map(JSONValue.string)),
            ],
            "compliance": .array(finding.compliance.map(JSONValue.string)),
        ]
        if let account = finding.accountId { object["accountId"] = .string(account) }
        if let name = finding.accountName { object["accountName"] = .string(name) }
        if let location = finding.location {
            object["file"] = .string(location.file)
            object["line"] = .number(Double(location.line))
            object["column"] = .number(Double(location.column))
        }
        if let before = finding.statusBeforeStrict { object["statusBeforeStrict"] = .string(before.rawValue) }
        if let suppression = finding.suppression {
            object["suppressed"] = ["reason": .string(suppression.reason), "expires": .string(suppression.expires)]
        }
        return .object(object)
    }
}
