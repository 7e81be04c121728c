public import Audit
public import Foundation
import InfrastructureAsCode

/// `iac` as a library: scans Terraform and ROS files and makes the report, with the same statuses and exit
/// status as an audit, `--strict` included.
public struct IaCRun: Sendable {
    public var paths: [String]
    public var variableFiles: [String]
    public var variables: [String: String]
    public var strict: Bool
    public var toolVersion: String
    public var now: @Sendable () -> Date = { Date() }

    public init(
        paths: [String], variableFiles: [String] = [], variables: [String: String] = [:], strict: Bool = false,
        toolVersion: String
    ) {
        self.paths = paths
        self.variableFiles = variableFiles
        self.variables = variables
        self.strict = strict
        self.toolVersion = toolVersion
    }

    /// `terraform -var` assignments (`NAME=VALUE`, the name trimmed) as variables; `nil` when one has no name or no
    /// `=`. A later assignment of a name wins, as in Terraform.
    public static func variables(fromAssignments assignments: [String]) -> [String: String]? {
        var values: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else { return nil }
            let name = String(assignment[..<equals]).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            values[name] = String(assignment[assignment.index(after: equals)...])
        }
        return values
    }

    public struct Outcome: Sendable {
        public var report: AuditReport
        /// Files that could not be read or parsed, each naming its position: they were not checked.
        public var diagnostics: [String]
        /// 2 when a file could not be checked, else the report's own.
        public var exitCode: Int32
    }

    public func run() -> Outcome {
        let started = now()
        let result = IaCScanner.scan(paths: paths, variableFiles: variableFiles, variables: variables)
        var findings = result.findings
        if strict { findings = AuditEngine.sorted(findings.map(AuditEngine.applyStrict)) }
        let regions = Set(findings.map(\.regionId).filter { !$0.isEmpty }).sorted()
        let diagnostics = result.diagnostics.map(\.description)
        let report = AuditReport(
            toolVersion: toolVersion, startedAt: Timestamp.rfc3339(started), finishedAt: Timestamp.rfc3339(now()),
            source: .init(kind: .iac, regions: regions, location: paths.joined(separator: " ")),
            rules: [.networkPolicySupport], findings: findings,
            notices: diagnostics.map { "not checked: \($0)" } + result.notices)
        let code = diagnostics.isEmpty ? report.summary.exitCode : ExitStatus.inputError
        return Outcome(report: report, diagnostics: diagnostics, exitCode: code)
    }
}
