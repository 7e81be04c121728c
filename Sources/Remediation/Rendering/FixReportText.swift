import Audit

/// The plan and the apply / rollback results for people (plain text, no colour).
///
/// Each line is made inert (``InertText``) before the lines are joined: names, ids, messages and values written come
/// from the cloud, and a newline or an escape sequence in one of them must not forge a line or reach the terminal.
public enum FixReportText {
    /// The plan: one block per FAIL / UNKNOWN cluster, then a summary line.
    public static func plan(_ plan: FixPlan) -> String {
        var lines: [String] = []
        let audit = AuditSummary(plan.findings)
        let counts = Status.allCases.sorted().compactMap { status -> String? in
            audit[status] > 0 ? "\(audit[status]) \(status.rawValue)" : nil
        }
        lines.append(
            "ackguard fix: plan — \(plan.findings.count) cluster(s) audited (\(counts.joined(separator: ", "))), "
                + "\(plan.clusters.count) to look at")
        for cluster in plan.clusters {
            lines.append("")
            lines += block(cluster)
        }
        lines.append("")
        let actions = ClusterPlan.Action.allCases.map { "\(plan.clusters($0).count) \($0.rawValue)" }
        lines.append("plan: " + actions.joined(separator: ", ") + "; nothing was changed (add --apply to change it)")
        return lines.map(InertText.escaped).joined(separator: "\n") + "\n"
    }

    static func block(_ cluster: ClusterPlan) -> [String] {
        var lines = ["== \(cluster.clusterName) (\(cluster.clusterId), \(cluster.regionId))"]
        let before = cluster.before
        lines.append("   now:     \(before.status.rawValue) \(before.reason.rawValue) — \(before.message)")
        lines.append("   action:  \(cluster.action.rawValue)")
        // A blocked cluster shows what was read only when its Kubernetes API answered.
        if let pre = cluster.preconditions,
            cluster.action == .enableInPlace || (cluster.action == .blocked && pre.configMapResourceVersion != nil)
        {
            lines.append("   preconditions:")
            lines += preconditions(pre).map { "     " + $0 }
        }
        if !cluster.steps.isEmpty {
            lines.append("   steps:")
            let letters = cluster.action == .enableInPlace ? ["a", "b", "c", "d"] : ["1", "2", "3", "4", "5"]
            for (index, step) in cluster.steps.enumerated() {
                lines.append("     \(index < letters.count ? letters[index] : String(index + 1)). \(step)")
            }
        }
        if let migration = cluster.migration {
            let region = migration.createClusterBody["region_id"]?.stringValue ?? cluster.regionId
            lines.append("   CreateCluster body (POST /clusters, region \(region)):")
            lines += migration.createClusterBody.serialized(pretty: true).split(separator: "\n").map { "     " + $0 }
            lines.append("   Terraform:")
            lines += migration.terraform.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
                $0.isEmpty ? "" : "     " + $0
            }
        }
        if !cluster.blockers.isEmpty {
            lines.append(cluster.action == .blocked ? "   blocked:" : "   no automatic fix:")
            lines += cluster.blockers.map { "     - " + $0 }
        }
        if !cluster.warnings.isEmpty {
            lines.append("   warnings:")
            lines += cluster.warnings.map { "     - " + $0 }
        }
        if let refusal = cluster.refusal {
            let when = cluster.action == .migrate ? "--apply --create-replacement refuses" : "--apply refuses"
            lines.append("   \(when): \(refusal)")
        }
        return lines
    }

    static func preconditions(_ pre: EnablePreconditions) -> [String] {
        var lines: [String] = []
        let nodes = pre.nodeCount.map(String.init) ?? "unknown"
        let datapath = pre.datapath?.rawValue ?? "unknown"
        lines.append(
            "nodes:           \(nodes) (\(pre.nodeCountSource)), policy datapath \(datapath)"
                + (pre.isLargeFelix ? " — over 100 nodes without eBPF: ACK advises Typha first" : ""))
        lines.append(
            "exclusive ENI:   "
                + (pre.exclusiveENINodes.isEmpty
                    ? "none"
                    : "\(pre.exclusiveENINodes.count) node(s), policy will not apply there: "
                        + pre.exclusiveENINodes.joined(separator: ", ")))
        if let policies = pre.networkPolicies {
            lines.append(
                "NetworkPolicies: "
                    + (policies.isEmpty
                        ? "none" : "\(policies.count) start to be enforced: " + policies.joined(separator: ", ")))
        } else {
            lines.append("NetworkPolicies: could not be listed (\(pre.networkPoliciesProblem ?? "not read"))")
        }
        var terway: [String] = []
        if let version = pre.terwayVersion { terway.append("add-on terway-eniip \(version)") }
        if let image = pre.terwayImage { terway.append("image \(image)") }
        lines.append("Terway:          " + (terway.isEmpty ? "unknown" : terway.joined(separator: "; ")))
        if let config = pre.addonConfig {
            lines.append(
                "add-on config:   " + (config.isEmpty ? "(empty)" : config) + (pre.addonState.map { " (\($0))" } ?? ""))
        }
        if let version = pre.configMapResourceVersion {
            lines.append(
                "eni-config:      disable_network_policy \(ConfigMapChange.describe(pre.configMapValue)) "
                    + "(resourceVersion \(version))")
        }
        return lines
    }

    /// What an apply or a rollback did: one block per cluster worked on, the writes, then a summary line.
    public static func outcomes(_ run: FixRun) -> String {
        var lines: [String] = []
        let title = run.mode == .rollback ? "rollback" : "apply"
        lines.append("ackguard fix: \(title)")
        for outcome in run.outcomes where outcome.result != .unchanged {
            lines.append("")
            lines += block(outcome)
        }
        let unchanged = run.outcomes.filter { $0.result == .unchanged }
        if !unchanged.isEmpty {
            lines.append("")
            lines.append("not changed by this run:")
            for outcome in unchanged {
                let why =
                    outcome.action == ClusterPlan.Action.migrate.rawValue
                    ? "migration plan only (--create-replacement submits it)" : "\(outcome.action) (see the plan)"
                lines.append("   \(outcome.clusterName) (\(outcome.clusterId)): \(why)")
            }
        }
        lines.append("")
        var results: [String] = []
        for result in ClusterOutcome.Result.allCases {
            let count = run.outcomes.filter { $0.result == result }.count
            if count > 0 { results.append("\(count) \(result.rawValue)") }
        }
        var summary = "\(title): " + (results.isEmpty ? "nothing to do" : results.joined(separator: ", "))
        summary += "; \(run.writes.count) write(s)"
        lines.append(summary)
        if let file = run.rollbackFile {
            lines.append(
                run.mode == .rollback
                    ? "rollback file: \(file)"
                    : "rollback file: \(file) (`ackguard fix --rollback \(file)` restores the prior state)")
        }
        return lines.map(InertText.escaped).joined(separator: "\n") + "\n"
    }

    static func block(_ outcome: ClusterOutcome) -> [String] {
        var lines = [
            "== \(outcome.clusterName) (\(outcome.clusterId), \(outcome.regionId)): \(outcome.result.rawValue)"
        ]
        if let before = outcome.before {
            lines.append("   before:  \(before.status.rawValue) \(before.reason.rawValue)")
        }
        if let after = outcome.after {
            let subject = outcome.replacementClusterId.map { "new cluster \($0): " } ?? ""
            lines.append("   after:   \(subject)\(after.status.rawValue) \(after.reason.rawValue)")
        }
        if !outcome.writes.isEmpty {
            lines.append("   writes:")
            for write in outcome.writes {
                lines.append("     \(write.api) \(write.target)")
                lines.append("       before: \(show(write.before))")
                lines.append("       after:  \(show(write.after))")
                var reference: [String] = []
                if let request = write.requestId { reference.append("request id \(request)") }
                if write.resourceVersionBefore != nil || write.resourceVersionAfter != nil {
                    reference.append(
                        "resourceVersion \(write.resourceVersionBefore ?? "?") → \(write.resourceVersionAfter ?? "?")")
                }
                if let note = write.note { reference.append(note) }
                reference.append("at \(write.at)")
                lines.append("       " + reference.joined(separator: "; "))
            }
        }
        if let error = outcome.error { lines.append("   error:   \(error)") }
        lines += outcome.notes.map { "   note:    \($0)" }
        return lines
    }

    /// What a rollback will restore, before it is confirmed: one line per verified cluster.
    public static func rollbackPlan(_ file: RollbackFile, path: String, entries: [RollbackEntry]) -> String {
        var lines = ["ackguard fix: rollback from \(path) (recorded \(file.createdAt))"]
        for entry in entries {
            lines.append(
                "== \(entry.clusterName) (\(entry.clusterId), \(entry.regionId)): eni-config "
                    + "disable_network_policy back to \(entry.configMap.prior), add-on NetworkPolicy back to "
                    + "\(entry.addon.priorNetworkPolicy), then restart terway-eniip")
        }
        return lines.map(InertText.escaped).joined(separator: "\n") + "\n"
    }

    /// A progress line for people while `fix` works (`nil` for events that are not shown).
    public static func progressLine(_ event: FixEvent) -> String? {
        switch event {
        case .progress(let clusterId, let message):
            "\(clusterId): \(message)"
        case .wrote(let write):
            "\(write.clusterId): wrote \(write.api) \(write.target): \(show(write.before)) → \(show(write.after))"
        case .willPatchConfigMap:
            nil
        }
    }

    /// A written value for people: `(absent)`, a JSON object text as it is (an add-on config), anything else
    /// quoted so that spaces and empty strings show.
    public static func show(_ value: String?) -> String {
        guard let value else { return "(absent)" }
        if value.hasPrefix("{"), AddonConfig(text: value).values != nil { return value }
        return JSONValue.string(value).serialized()
    }
}
