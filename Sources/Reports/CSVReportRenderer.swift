public import Audit

/// CSV as RFC 4180 says: a header row, CRLF line ends, fields quoted when they hold a comma, a double quote, CR or
/// LF, quotes doubled. One record per finding, in report order. A field that a spreadsheet would run as a formula
/// (it starts with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'` (OWASP's advice against CSV injection: cluster
/// names and messages come from the cloud API).
public struct CSVReportRenderer: ReportRenderer {
    public static let header = [
        "rule", "status", "reason", "region", "clusterId", "clusterName", "accountId", "location", "message",
        "warnings", "remediationKind", "remediationSteps", "compliance", "suppressed", "suppressionReason",
        "suppressionExpires", "statusBeforeStrict",
    ]

    public init() {}

    public func render(_ report: AuditReport) -> String {
        // `accountName` (after `accountId`) only when a finding has one (a Resource Directory audit): the columns
        // of every other report stay as they were.
        let named = report.findings.contains { $0.accountName != nil }
        var header = Self.header
        if named { header.insert("accountName", at: Self.accountNameColumn) }
        var output = Self.record(header)
        for finding in report.findings {
            var fields = Self.fields(finding)
            if named { fields.insert(finding.accountName ?? "", at: Self.accountNameColumn) }
            output += Self.record(fields)
        }
        return output
    }

    /// Where `accountName` goes when present: right after `accountId`.
    static let accountNameColumn = header.firstIndex(of: "accountId")! + 1

    static func fields(_ finding: Finding) -> [String] {
        [
            finding.rule.rawValue,
            finding.status.rawValue,
            finding.reason.rawValue,
            finding.regionId,
            finding.clusterId,
            finding.clusterName,
            finding.accountId ?? "",
            finding.location.map(ReportText.text) ?? "",
            finding.message,
            ReportText.warnings(finding),
            finding.remediation.kind.rawValue,
            finding.remediation.steps.joined(separator: " | "),
            finding.compliance.joined(separator: " "),
            finding.suppression == nil ? "false" : "true",
            finding.suppression?.reason ?? "",
            finding.suppression?.expires ?? "",
            finding.statusBeforeStrict?.rawValue ?? "",
        ]
    }

    static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// One field, neutralised against formula injection and quoted when RFC 4180 requires it.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            text = "'" + text
        }
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard needsQuotes else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
