public import Audit

/// OCSF Compliance Finding events (class 2003, category Findings, activity Create), one per finding, as a JSON array
/// the way Prowler's `json-ocsf` output is laid out.
///
/// - `compliance.status_id`: PASS 1 (Pass), UNKNOWN 2 (Warning: "did not yield a result due to missing
///   information"), FAIL 3 (Fail), NOT_APPLICABLE 99 (Other, status "Not Applicable").
/// - `status_id` (the finding's triage state): 1 New, or 3 Suppressed with the reason in `status_detail`.
/// - `severity_id` comes from the rule's risk (Medium 3), as Prowler keeps the check's severity.
/// - Everything OCSF has no attribute for (reason code, warnings, evidence, strict) is under `unmapped`.
public struct OCSFReportRenderer: ReportRenderer {
    public static let ocsfVersion = "1.3.0"
    public static let classUID = 2003
    public static let categoryUID = 2
    public static let activityCreate = 1

    public init() {}

    public func render(_ report: AuditReport) -> String {
        Self.document(report).serialized(pretty: true) + "\n"
    }

    public static func document(_ report: AuditReport) -> JSONValue {
        .array(report.findings.map { event($0, report: report) })
    }

    static func event(_ finding: Finding, report: AuditReport) -> JSONValue {
        let time = Timestamp.epochMilliseconds(report.finishedAt) ?? 0
        let (severityID, severity) = severity(finding.rule.risk)
        let (complianceID, complianceStatus) = complianceStatus(finding.status)
        let compliance: [String: JSONValue] = [
            "control": .string(finding.rule.rawValue),
            "standards": .array(standards(finding.compliance).map(JSONValue.string)),
            "requirements": .array(finding.compliance.map(JSONValue.string)),
            "status_id": .number(Double(complianceID)),
            "status": .string(complianceStatus),
            "status_code": .string(finding.status.rawValue),
            "status_detail": .string(finding.message),
        ]

        var resource: [String: JSONValue] = [
            "uid": .string(resourceUID(finding)),
            "name": .string(finding.clusterName),
            "type": .string(finding.location == nil ? "AlibabaCloud::ACK::Cluster" : "InfrastructureAsCode::Resource"),
            "data": ["evidence": .object(finding.evidence)],
        ]
        if !finding.regionId.isEmpty { resource["region"] = .string(finding.regionId) }
        if let location = finding.location {
            resource["data"] = [
                "evidence": .object(finding.evidence),
                "location": [
                    "file": .string(location.file), "line": .number(Double(location.line)),
                    "column": .number(Double(location.column)),
                ],
            ]
        }

        var cloud: [String: JSONValue] = ["provider": "Alibaba Cloud"]
        if !finding.regionId.isEmpty { cloud["region"] = .string(finding.regionId) }
        if let account = finding.accountId ?? report.source.account {
            var object: [String: JSONValue] = [
                "uid": .string(account), "type": "Alibaba Cloud Account", "type_id": 99,
            ]
            if let name = finding.accountName { object["name"] = .string(name) }
            cloud["account"] = .object(object)
        }

        var unmapped: [String: JSONValue] = [
            "reason": .string(finding.reason.rawValue),
            "warnings": .array(
                finding.warnings.map {
                    ["code": .string($0.code.rawValue), "message": .string($0.message), "details": .object($0.details)]
                }),
            "remediation_kind": .string(finding.remediation.kind.rawValue),
            "source_kind": .string(report.source.kind.rawValue),
        ]
        if let before = finding.statusBeforeStrict { unmapped["status_before_strict"] = .string(before.rawValue) }
        if let suppression = finding.suppression {
            unmapped["suppression"] = ["reason": .string(suppression.reason), "expires": .string(suppression.expires)]
        }

        var event: [String: JSONValue] = [
            "activity_id": .number(Double(activityCreate)),
            "activity_name": "Create",
            "category_uid": .number(Double(categoryUID)),
            "category_name": "Findings",
            "class_uid": .number(Double(classUID)),
            "class_name": "Compliance Finding",
            "type_uid": .number(Double(classUID * 100 + activityCreate)),
            "type_name": "Compliance Finding: Create",
            "severity_id": .number(Double(severityID)),
            "severity": .string(severity),
            "status_id": .number(finding.suppression == nil ? 1 : 3),
            "status": .string(finding.suppression == nil ? "New" : "Suppressed"),
            "status_code": .string(finding.status.rawValue),
            "status_detail": .string(
                finding.suppression.map { "Suppressed until \($0.expires): \($0.reason)" } ?? finding.message),
            "message": .string(finding.message),
            "time": .number(Double(time)),
            "time_dt": .string(report.finishedAt),
            "metadata": [
                "version": .string(ocsfVersion),
                "event_code": .string(finding.rule.rawValue),
                "profiles": ["cloud", "datetime"],
                "product": [
                    "name": .string(report.toolName),
                    "uid": .string(report.toolName),
                    "vendor_name": .string(report.toolName),
                    "version": .string(report.toolVersion),
                ],
            ],
            "finding_info": [
                "uid": .string(findingUID(finding)),
                "title": .string(finding.rule.title),
                "desc": .string(finding.rule.summary),
                "types": .array(finding.compliance.map(JSONValue.string)),
                "product_uid": .string(report.toolName),
                "created_time": .number(Double(time)),
                "created_time_dt": .string(report.finishedAt),
            ],
            "compliance": .object(compliance),
            "resources": [.object(resource)],
            "cloud": .object(cloud),
            "unmapped": .object(unmapped),
        ]
        if !finding.remediation.steps.isEmpty {
            event["remediation"] = ["desc": .string(finding.remediation.steps.joined(separator: " "))]
        } else {
            event["remediation"] = ["desc": .string(finding.rule.helpText)]
        }
        return .object(event)
    }

    /// The benchmarks behind compliance ids (the ids themselves are `requirements`), in order, without repeats.
    static func standards(_ compliance: [String]) -> [String] {
        var names: [String] = []
        for id in compliance {
            let name =
                if id.hasPrefix("AlibabaCloud-") {
                    "Trend Micro Cloud One Conformity (Alibaba Cloud)"
                } else if id.hasPrefix("CIS-Alibaba-2.0-") {
                    "CIS Alibaba Cloud Foundation Benchmark v2.0.0"
                } else if id.hasPrefix("CIS-ACK-") {
                    "CIS ACK Benchmark"
                } else if id.hasPrefix("Kubescape-") {
                    "Kubescape"
                } else {
                    id
                }
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    static func resourceUID(_ finding: Finding) -> String {
        if let location = finding.location { return "\(ReportText.text(location))#\(finding.clusterName)" }
        return finding.clusterId
    }

    /// Stable across runs: the same cluster and rule give the same uid.
    static func findingUID(_ finding: Finding) -> String {
        if let location = finding.location {
            return ["ackguard", finding.rule.rawValue, location.file, finding.clusterName].joined(separator: "-")
        }
        return ["ackguard", finding.rule.rawValue, finding.accountId ?? "", finding.regionId, finding.clusterId]
            .filter { !$0.isEmpty }.joined(separator: "-")
    }

    static func severity(_ risk: String) -> (Int, String) {
        switch risk.lowercased() {
        case "informational": (1, "Informational")
        case "low": (2, "Low")
        case "high": (4, "High")
        case "critical": (5, "Critical")
        default: (3, "Medium")
        }
    }

    static func complianceStatus(_ status: Status) -> (Int, String) {
        switch status {
        case .pass: (1, "Pass")
        case .unknown: (2, "Warning")
        case .fail: (3, "Fail")
        case .notApplicable: (99, "Not Applicable")
        }
    }
}
