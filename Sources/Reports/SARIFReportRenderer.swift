public import Audit

/// SARIF 2.1.0 (OASIS, errata 01). One run; the driver lists every evaluated rule with its help text and compliance
/// ids; one result per FAIL and UNKNOWN finding (PASS and NOT_APPLICABLE are not results).
///
/// - FAIL gives `kind: fail`, `level: error`; UNKNOWN gives `kind: open`, `level: none` (SARIF §3.27.10: a kind other
///   than `fail` requires level `none`).
/// - Cluster findings carry the logical location `cluster/<region>/<cluster id>`; infrastructure-code findings carry
///   a physical location (artifact URI, start line and column) and the resource address as logical location.
/// - Suppressed findings stay, with an external, accepted `suppressions` entry holding the reason.
/// - `partialFingerprints["ackguardFindingKey/v1"]` is rule, account, region and cluster (or file and resource), so
///   code-scanning services follow a finding from run to run.
public struct SARIFReportRenderer: ReportRenderer {
    public static let schemaURI =
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    public init() {}

    public func render(_ report: AuditReport) -> String {
        Self.document(report).serialized(pretty: true) + "\n"
    }

    /// The SARIF log as a JSON value.
    public static func document(_ report: AuditReport) -> JSONValue {
        let rules = Array(Set(report.rules).union(report.findings.map(\.rule))).sorted()
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1, $0) })
        let results = report.findings
            .filter { $0.status == .fail || $0.status == .unknown }
            .map { result($0, ruleIndex: ruleIndex[$0.rule] ?? 0) }

        var invocation: [String: JSONValue] = [
            "executionSuccessful": true,
            "startTimeUtc": .string(report.startedAt),
            "endTimeUtc": .string(report.finishedAt),
        ]
        if !report.notices.isEmpty {
            invocation["toolExecutionNotifications"] = .array(
                report.notices.map { ["level": "warning", "message": ["text": .string($0)]] })
        }
        let summary = report.summary
        var counts: [String: JSONValue] = [:]
        for status in Status.allCases { counts[status.rawValue] = .number(Double(summary[status])) }
        counts["suppressed"] = .number(Double(summary.suppressed))
        var source: [String: JSONValue] = [
            "kind": .string(report.source.kind.rawValue),
            "regions": .array(report.source.regions.map(JSONValue.string)),
        ]
        if let account = report.source.account { source["account"] = .string(account) }
        if let location = report.source.location { source["location"] = .string(location) }

        let driver: JSONValue = [
            "name": .string(report.toolName),
            "version": .string(report.toolVersion),
            "semanticVersion": .string(report.toolVersion),
            "rules": .array(rules.map(descriptor)),
        ]
        let run: JSONValue = [
            "tool": ["driver": driver],
            "invocations": [.object(invocation)],
            "columnKind": "unicodeCodePoints",
            "results": .array(results),
            "properties": ["source": .object(source), "summary": .object(counts)],
        ]
        return ["$schema": .string(schemaURI), "version": "2.1.0", "runs": [run]]
    }

    static func descriptor(_ rule: RuleID) -> JSONValue {
        [
            "id": .string(rule.rawValue),
            "name": .string(pascalCase(rule.title)),
            "shortDescription": ["text": .string(rule.title)],
            "fullDescription": ["text": .string(rule.summary)],
            "help": ["text": .string(rule.helpText), "markdown": .string(rule.helpMarkdown)],
            "defaultConfiguration": ["level": "error"],
            "properties": [
                "compliance": .array(rule.compliance.map(JSONValue.string)),
                "risk": .string(rule.risk),
                "security-severity": .string(securitySeverity(rule.risk)),
                "tags": .array((["security", "kubernetes", "network-policy"] + rule.compliance).map(JSONValue.string)),
            ],
        ]
    }

    static func result(_ finding: Finding, ruleIndex: Int) -> JSONValue {
        let failing = finding.status == .fail
        // Infrastructure code: the resource address stands in for the cluster.
        let logical: JSONValue = [
            "kind": "resource",
            "name": .string(finding.location == nil ? finding.clusterId : finding.clusterName),
            "fullyQualifiedName": .string(
                finding.location == nil ? ReportText.logicalName(finding) : finding.clusterName),
        ]
        var location: [String: JSONValue] = ["logicalLocations": [logical]]
        if let source = finding.location {
            var physical: [String: JSONValue] = [
                "artifactLocation": ["uri": .string(ReportText.uri(forPath: source.file))]
            ]
            if source.line >= 1 {
                var region: [String: JSONValue] = ["startLine": .number(Double(source.line))]
                if source.column >= 1 { region["startColumn"] = .number(Double(source.column)) }
                physical["region"] = .object(region)
            }
            location["physicalLocation"] = .object(physical)
        }
        var properties: [String: JSONValue] = [
            "status": .string(finding.status.rawValue),
            "reason": .string(finding.reason.rawValue),
            "clusterId": .string(finding.clusterId),
            "clusterName": .string(finding.clusterName),
            "regionId": .string(finding.regionId),
            "compliance": .array(finding.compliance.map(JSONValue.string)),
            "remediation": [
                "kind": .string(finding.remediation.kind.rawValue),
                "steps": .array(finding.remediation.steps.map(JSONValue.string)),
            ],
            "warnings": .array(
                finding.warnings.map {
                    ["code": .string($0.code.rawValue), "message": .string($0.message), "details": .object($0.details)]
                }),
            "evidence": .object(finding.evidence),
        ]
        if let account = finding.accountId { properties["accountId"] = .string(account) }
        if let name = finding.accountName { properties["accountName"] = .string(name) }
        if let before = finding.statusBeforeStrict { properties["statusBeforeStrict"] = .string(before.rawValue) }
        var result: [String: JSONValue] = [
            "ruleId": .string(finding.rule.rawValue),
            "ruleIndex": .number(Double(ruleIndex)),
            "kind": failing ? "fail" : "open",
            "level": failing ? "error" : "none",
            "message": ["text": .string(messageText(finding))],
            "locations": [.object(location)],
            "partialFingerprints": ["ackguardFindingKey/v1": .string(fingerprint(finding))],
            "properties": .object(properties),
        ]
        if let suppression = finding.suppression {
            result["suppressions"] = [
                [
                    "kind": "external",
                    "status": "accepted",
                    "justification": .string(suppression.reason),
                    "properties": ["expires": .string(suppression.expires)],
                ]
            ]
        }
        return .object(result)
    }

    /// The result message: the finding's message, with its reason code in front so the first sentence says why.
    static func messageText(_ finding: Finding) -> String {
        let subject =
            finding.location == nil
            ? (finding.clusterName.isEmpty || finding.clusterName == finding.clusterId
                ? "Cluster \(finding.clusterId)" : "Cluster \(finding.clusterName) (\(finding.clusterId))")
            : "Resource \(finding.clusterName)"
        return "\(subject): \(finding.status.rawValue) [\(finding.reason.rawValue)]. \(finding.message)"
    }

    static func fingerprint(_ finding: Finding) -> String {
        if let location = finding.location {
            return [finding.rule.rawValue, location.file, finding.clusterName].joined(separator: "|")
        }
        return [finding.rule.rawValue, finding.accountId ?? "", finding.regionId, finding.clusterId]
            .joined(separator: "|")
    }

    /// GitHub's `security-severity` scale: Low 0.1–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0.
    static func securitySeverity(_ risk: String) -> String {
        switch risk.lowercased() {
        case "critical": "9.5"
        case "high": "8.0"
        case "low": "3.0"
        default: "5.5"
        }
    }

    /// "Enable Support for Network Policies" → "EnableSupportForNetworkPolicies".
    static func pascalCase(_ title: String) -> String {
        title.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }
}
