public import Audit

/// What `IaCScanner.scan` found.
public struct IaCScanResult: Sendable {
    /// Rule 1 verdicts, one per cluster resource (and per add-on resource whose cluster is not in the files), in
    /// report order.
    public var findings: [Finding]
    /// Files that could not be read or parsed, with the position of the problem.
    public var diagnostics: [IaCDiagnostic]
    /// Every file that was read as Terraform, a Terraform plan or a ROS template, in the order read.
    public var filesScanned: [String]
    /// Things worth knowing that did not stop the scan (remote modules skipped, `count` evaluated once, …).
    public var notices: [String]

    public init(
        findings: [Finding] = [], diagnostics: [IaCDiagnostic] = [], filesScanned: [String] = [],
        notices: [String] = []
    ) {
        self.findings = findings
        self.diagnostics = diagnostics
        self.filesScanned = filesScanned
        self.notices = notices
    }

    /// RULE.md exit codes: `2` when any input could not be parsed (after the other files were still checked),
    /// else `1` with a FAIL, `3` with an UNKNOWN and no FAIL, `0` otherwise.
    public var exitCode: Int32 {
        if !diagnostics.isEmpty { return ExitStatus.inputError }
        return AuditSummary(findings).exitCode
    }
}
