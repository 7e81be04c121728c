public import Audit

/// The output formats of `ackguard audit` (and `ackguard iac`).
public enum ReportFormat: String, Sendable, CaseIterable {
    case table
    case json
    /// SARIF 2.1.0: one result per FAIL and UNKNOWN (code scanning, CI).
    case sarif
    /// JUnit XML: one testcase per finding.
    case junit
    /// RFC 4180 CSV with a header row.
    case csv
    /// OCSF 1.x Compliance Finding objects, a JSON array (as Prowler's json-ocsf).
    case ocsf
    /// One self-contained HTML page.
    case html
}

/// Renders a report to text. Renderers are pure: the same report gives the same bytes.
public protocol ReportRenderer: Sendable {
    func render(_ report: AuditReport) -> String
}
