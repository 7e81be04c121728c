import AlibabaCloud
import Audit
import Evidence
import Foundation
import KubernetesAPI

/// Applies a plan: enables policy in place on Terway shared-ENI clusters (recording their prior state in a rollback
/// file before the first write) and, when asked, submits replacement clusters. Clusters are worked on one after
/// another; after a failure that left a cluster half-changed nothing more is attempted.
public struct FixApplier: Sendable {
    /// What an apply did.
    public struct Result: Sendable {
        public var outcomes: [ClusterOutcome]
        /// The rollback file, when something was recorded.
        public var rollbackFile: String?
    }

    public let context: RemediationContext

    public init(context: RemediationContext) {
        self.context = context
    }

    /// Applies every cluster of `plan` that `--apply` may change with `options`.
    public func apply(_ plan: FixPlan, options: FixOptions) async -> Result {
        let journal = RollbackJournal(
            directory: options.rollbackDirectory,
            stem: "ackguard-fix-" + Timestamp.compact(epochSeconds: context.clock().epochSeconds),
            toolVersion: context.toolVersion, createdAt: context.timestamp(), source: context.sourceLocation)
        var outcomes: [ClusterOutcome] = []
        var stopped = false
        for clusterPlan in plan.clusters {
            switch clusterPlan.action {
            case .enableInPlace:
                if stopped {
                    outcomes.append(ClusterOutcome(plan: clusterPlan, result: .notAttempted, notes: [Self.stopNote]))
                } else if let refusal = clusterPlan.refusal {
                    outcomes.append(ClusterOutcome(plan: clusterPlan, result: .refused, error: "refused: " + refusal))
                } else {
                    let outcome = await enable(clusterPlan, options: options, journal: journal)
                    // A failure after a write stops the run; one before any write (an add-on that is busy, an API
                    // that cannot be reached) leaves the cluster as it was, so the others are still worked on.
                    if outcome.result == .failed && !outcome.writes.isEmpty { stopped = true }
                    outcomes.append(outcome)
                }
            case .migrate:
                if !options.createReplacement {
                    outcomes.append(
                        ClusterOutcome(
                            plan: clusterPlan, result: .unchanged,
                            notes: ["migration plan only: pass --create-replacement to submit CreateCluster"]))
                } else if stopped {
                    outcomes.append(ClusterOutcome(plan: clusterPlan, result: .notAttempted, notes: [Self.stopNote]))
                } else if clusterPlan.migration?.usesPlaceholderPodVSwitch ?? true {
                    outcomes.append(
                        ClusterOutcome(
                            plan: clusterPlan, result: .refused,
                            error: RemediationError.placeholderPodVSwitch(clusterId: clusterPlan.clusterId).description)
                    )
                } else {
                    let outcome = await createReplacement(clusterPlan)
                    if outcome.result == .failed && !outcome.writes.isEmpty { stopped = true }
                    outcomes.append(outcome)
                }
            case .blocked, .noAutomaticFix:
                outcomes.append(ClusterOutcome(plan: clusterPlan, result: .unchanged, notes: clusterPlan.blockers))
            }
        }
        return Result(outcomes: outcomes, rollbackFile: await journal.path)
    }

    static let stopNote = "not attempted: an earlier cluster failed, so ackguard stopped"

    // MARK: - In place

    /// Steps (a)–(d) of issue 6 on one Terway shared-ENI cluster.
    func enable(_ plan: ClusterPlan, options: FixOptions, journal: RollbackJournal) async -> ClusterOutcome {
        let record = plan.cluster.record
        let id = record.clusterId
        let region = record.regionId
        let addon = AddonConfigChange(context: context, clusterId: id, regionId: region)
        let restart = TerwayRestart(context: context, clusterId: id, regionId: region)
        var outcome = ClusterOutcome(plan: plan, result: .failed)
        var recorded = false
        // Whether a patch carrying the proof may have reached the cluster (sent and not answered 409).
        var patchSent = false
        let context = self.context
        do {
            await context.progress(id, "reading the current state")
            let current = try await addon.read()
            if let state = current.state, state.lowercased() != "active" {
                throw RemediationError.addonBusy(clusterId: id, state: state)
            }
            let written: [WriteRecord] = try await context.withKubernetes(record) { client in
                let configMapChange = ConfigMapChange(context: context, clusterId: id, regionId: region, client: client)
                var configMap = try await configMapChange.read()
                _ = try await restart.read(client)
                // The preconditions again, on what was just read.
                var fresh = plan.preconditions ?? EnablePreconditions()
                fresh.datapath = TerwayDatapath.of(configMap: configMap)
                if fresh.isLargeFelix && !options.allowLarge {
                    throw RemediationError.largeFelixRefused(clusterId: id, nodes: fresh.nodeCount ?? 0)
                }
                var writes: [WriteRecord] = []
                func wrote(_ write: WriteRecord) async throws {
                    writes.append(write)
                    outcome.writes = writes
                    await context.events(.wrote(write))
                    try await journal.append(write)
                }
                // (1) eni-config, what Terway reads, with the rollback proof in the same patch: recorded first, then
                // written, so the cluster never holds a change of ackguard's without its proof. A 409 means someone
                // changed the ConfigMap in between: re-read, re-record, re-check, retry (bounded).
                var attempt = 1
                var entry: RollbackEntry
                while true {
                    let value = TerwayPolicySwitch.value(inConfigMap: configMap)
                    let enabled = TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: value)
                    if current.config.networkPolicy == "true" && enabled {
                        await context.progress(
                            id, "nothing to write: the add-on and eni-config already enable policy")
                        return []
                    }
                    entry = RollbackEntry(
                        clusterId: id, clusterName: record.name, regionId: region, recordedAt: context.timestamp(),
                        addon: .init(
                            name: AddonConfigChange.addonName, priorConfig: current.config.text,
                            priorNetworkPolicy: PriorValue(current.config.networkPolicy)),
                        configMap: .init(
                            namespace: ConfigMapChange.namespace, name: ConfigMapChange.name,
                            key: TerwayPolicySwitch.key, prior: PriorValue(value),
                            after: PriorValue(enabled ? value : "false"),
                            priorResourceVersion: configMap["metadata"]?["resourceVersion"]?.stringValue ?? ""),
                        daemonSet: .init(namespace: TerwayRestart.namespace, name: TerwayRestart.name))
                    try await journal.record(entry, at: context.timestamp())
                    recorded = true
                    if attempt == 1 {
                        await context.progress(
                            id, "prior state recorded in \(await journal.path ?? "the rollback file")")
                    }
                    patchSent = true
                    switch try await configMapChange.patch(
                        configMap, change: enabled ? .keep : .set("false"), proof: entry.digest, attempt: attempt)
                    {
                    case .applied(let write, let updated):
                        try await wrote(write)
                        try await journal.setAfterResourceVersion(
                            write.resourceVersionAfter, clusterId: id, at: context.timestamp())
                        configMap = updated
                    case .conflict:
                        patchSent = false
                        guard attempt <= context.timing.maxConflictRetries else {
                            throw RemediationError.configMapConflict(clusterId: id, attempts: attempt)
                        }
                        attempt += 1
                        await context.progress(
                            id, "eni-config changed since it was read (409 Conflict): re-reading and re-checking")
                        configMap = try await configMapChange.read()
                        continue
                    }
                    break
                }
                // (2) The add-on config: what ACK keeps and re-applies.
                if current.config.networkPolicy != "true" {
                    try await wrote(try await addon.setNetworkPolicy("true", before: current.config))
                }
                // eni-config must still enable policy and carry the proof, whatever (2) did to it; its version now is
                // the one a rollback expects.
                let check = try await configMapChange.read()
                let value = TerwayPolicySwitch.value(inConfigMap: check)
                guard TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: value),
                    ConfigMapChange.proof(in: check) == entry.digest
                else {
                    throw RemediationError.configMapNotApplied(
                        clusterId: id,
                        found: ConfigMapChange.describe(value) + " (annotation \(RollbackProof.annotation) "
                            + ConfigMapChange.describe(ConfigMapChange.proof(in: check)) + ")")
                }
                try await journal.setAfterResourceVersion(
                    check["metadata"]?["resourceVersion"]?.stringValue, clusterId: id, at: context.timestamp())
                // (3) Terway reads the switch only when it starts.
                let (write, generation) = try await restart.restart(client)
                try await wrote(write)
                try await restart.waitForRollout(client, generation: generation)
                return writes
            }
            outcome.writes = written
            // (d) Re-audit.
            await context.progress(id, "re-auditing")
            let after = await context.reaudit(plan.cluster.listing)
            outcome.after = after.finding
            if written.isEmpty {
                outcome.result = after.finding.status == .pass ? .alreadyFixed : .stillFailing
            } else {
                outcome.result = after.finding.status == .pass ? .fixed : .stillFailing
            }
            if outcome.result == .stillFailing {
                outcome.error =
                    "the re-audit says \(after.finding.status.rawValue) \(after.finding.reason.rawValue): "
                    + after.finding.message
            }
        } catch RemediationError.largeFelixRefused(let clusterId, let nodes) {
            outcome.result = .refused
            outcome.error = RemediationError.largeFelixRefused(clusterId: clusterId, nodes: nodes).description
        } catch {
            outcome.result = .failed
            outcome.error = "\(error)"
        }
        if recorded && outcome.writes.isEmpty && !patchSent {
            // Nothing of ackguard's reached the cluster: no record to restore (and none that a rollback would refuse).
            try? await journal.forget(clusterId: id, at: context.timestamp())
        }
        if outcome.result == .failed {
            if outcome.writes.isEmpty {
                outcome.notes.append("nothing was written to this cluster")
            } else if recorded, let path = await journal.path {
                outcome.notes.append(
                    "the prior state is in \(path): restore it with `ackguard fix --rollback \(path) --cluster \(id)`")
            }
        }
        return outcome
    }
}
