public import Audit

/// `ackguard fix --format json`: the plan and, after `--apply` / `--rollback`, every outcome and write. Keys are
/// sorted, so two runs over the same state give the same bytes apart from timestamps and request ids.
public enum FixReportJSON {
    public static let schemaVersion = 1

    public static func render(_ run: FixRun, toolVersion: String) -> String {
        document(run, toolVersion: toolVersion).serialized(pretty: true) + "\n"
    }

    public static func document(_ run: FixRun, toolVersion: String) -> JSONValue {
        var clusters: [JSONValue] = []
        var handled: Set<String> = []
        for plan in run.plan?.clusters ?? [] {
            let outcome = run.outcomes.first { $0.clusterId == plan.clusterId }
            clusters.append(cluster(plan: plan, outcome: outcome))
            handled.insert(plan.clusterId)
        }
        for outcome in run.outcomes where !handled.contains(outcome.clusterId) {
            clusters.append(cluster(plan: nil, outcome: outcome))
        }
        var summary: [String: JSONValue] = ["writes": .number(Double(run.writes.count))]
        if let plan = run.plan {
            let audit = AuditSummary(plan.findings)
            summary["audited"] = .object(
                Dictionary(
                    uniqueKeysWithValues: Status.allCases.map { ($0.rawValue, JSONValue.number(Double(audit[$0]))) }))
            summary["clusters"] = .number(Double(plan.findings.count))
            summary["actions"] = .object(
                Dictionary(
                    uniqueKeysWithValues: ClusterPlan.Action.allCases.map {
                        ($0.rawValue, JSONValue.number(Double(plan.clusters($0).count)))
                    }))
        }
        if run.mode != .plan {
            var results: [String: JSONValue] = [:]
            for result in ClusterOutcome.Result.allCases {
                let count = run.outcomes.filter { $0.result == result }.count
                if count > 0 { results[result.rawValue] = .number(Double(count)) }
            }
            summary["results"] = .object(results)
        }
        return [
            "schemaVersion": .number(Double(schemaVersion)),
            "kind": "ackguard-fix",
            "mode": .string(run.mode.rawValue),
            "tool": ["name": "ackguard", "version": .string(toolVersion)],
            "startedAt": .string(run.startedAt),
            "finishedAt": .string(run.finishedAt),
            "source": ["location": .string(run.source)],
            "clusters": .array(clusters),
            "writes": .array(run.writes.map(\.json)),
            "rollbackFile": run.rollbackFile.map(JSONValue.string) ?? .null,
            "notices": .array(run.notices.map(JSONValue.string)),
            "summary": .object(summary),
            "exitCode": .number(Double(run.exitCode)),
        ]
    }

    static func verdict(_ finding: Finding?) -> JSONValue {
        guard let finding else { return .null }
        return [
            "clusterId": .string(finding.clusterId), "status": .string(finding.status.rawValue),
            "reason": .string(finding.reason.rawValue), "message": .string(finding.message),
            "warnings": .array(finding.warnings.map { .string($0.code.rawValue) }),
        ]
    }

    static func cluster(plan: ClusterPlan?, outcome: ClusterOutcome?) -> JSONValue {
        var object: [String: JSONValue] = [
            "clusterId": .string(plan?.clusterId ?? outcome?.clusterId ?? ""),
            "clusterName": .string(plan?.clusterName ?? outcome?.clusterName ?? ""),
            "regionId": .string(plan?.regionId ?? outcome?.regionId ?? ""),
            "action": .string(plan?.action.rawValue ?? outcome?.action ?? ""),
            "before": verdict(outcome?.before ?? plan?.before),
        ]
        if let plan {
            object["preconditions"] = plan.preconditions?.json ?? .null
            object["steps"] = .array(plan.steps.map(JSONValue.string))
            object["warnings"] = .array(plan.warnings.map(JSONValue.string))
            object["blockers"] = .array(plan.blockers.map(JSONValue.string))
            object["refusal"] = plan.refusal.map(JSONValue.string) ?? .null
            if let migration = plan.migration {
                object["migration"] = [
                    "createClusterBody": migration.createClusterBody,
                    "terraform": .string(migration.terraform),
                    "usesPlaceholderPodVSwitch": .bool(migration.usesPlaceholderPodVSwitch),
                    "notes": .array(migration.notes.map(JSONValue.string)),
                ]
            }
        }
        if let outcome {
            object["result"] = .string(outcome.result.rawValue)
            object["after"] = verdict(outcome.after)
            object["writes"] = .array(outcome.writes.map(\.json))
            object["error"] = outcome.error.map(JSONValue.string) ?? .null
            object["notes"] = .array(outcome.notes.map(JSONValue.string))
            if let id = outcome.replacementClusterId { object["replacementClusterId"] = .string(id) }
            if let task = outcome.replacementTaskId { object["replacementTaskId"] = .string(task) }
        }
        return .object(object)
    }
}
