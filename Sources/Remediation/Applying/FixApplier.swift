import AlibabaCloud
import Audit
import Collection
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
            directory: options.rollbackDirectory, stem: "ackguard-fix-" + Self.compactStamp(context.clock()),
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

    /// `20250101T120000Z`.
    static func compactStamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    // MARK: - In place

    /// Steps (a)–(d) of issue 6 on one Terway shared-ENI cluster.
    func enable(_ plan: ClusterPlan, options: FixOptions, journal: RollbackJournal) async -> ClusterOutcome {
        let record = plan.cluster.record
        let id = record.clusterId
        let region = record.regionId
        let addon = AddonConfigChange(context: context, clusterId: id, regionId: region)
        let configMapChange = ConfigMapChange(context: context, clusterId: id, regionId: region)
        let restart = TerwayRestart(context: context, clusterId: id, regionId: region)
        var outcome = ClusterOutcome(plan: plan, result: .failed)
        var recorded = false
        let context = self.context
        do {
            await context.progress(id, "reading the current state")
            let current = try await addon.read()
            if let state = current.state, state.lowercased() != "active" {
                throw RemediationError.addonBusy(clusterId: id, state: state)
            }
            let written: [WriteRecord] = try await context.withKubernetes(record) { client in
                let configMap = try await configMapChange.read(client)
                _ = try await restart.read(client)
                // The preconditions again, on what was just read.
                var fresh = plan.preconditions ?? EnablePreconditions()
                fresh.datapath = TerwayDatapath.of(configMap: configMap)
                if fresh.isLargeFelix && !options.allowLarge {
                    throw RemediationError.largeFelixRefused(clusterId: id, nodes: fresh.nodeCount ?? 0)
                }
                let value = TerwayPolicySwitch.value(inConfigMap: configMap)
                if current.config.networkPolicy == "true"
                    && TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: value)
                {
                    await context.progress(id, "nothing to write: the add-on and eni-config already enable policy")
                    return []
                }
                let entry = RollbackEntry(
                    clusterId: id, clusterName: record.name, regionId: region, recordedAt: context.timestamp(),
                    addon: .init(
                        name: AddonConfigChange.addonName, priorConfig: current.config.text,
                        priorNetworkPolicy: PriorValue(current.config.networkPolicy)),
                    configMap: .init(
                        namespace: ConfigMapChange.namespace, name: ConfigMapChange.name, key: TerwayPolicySwitch.key,
                        prior: PriorValue(value),
                        priorResourceVersion: configMap["metadata"]?["resourceVersion"]?.stringValue ?? ""),
                    daemonSet: .init(namespace: TerwayRestart.namespace, name: TerwayRestart.name))
                try await journal.record(entry, at: context.timestamp())
                recorded = true
                let journalPath = await journal.path ?? "the rollback file"
                await context.progress(id, "prior state recorded in \(journalPath)")
                var writes: [WriteRecord] = []
                func wrote(_ write: WriteRecord) async throws {
                    writes.append(write)
                    outcome.writes = writes
                    await context.events(.wrote(write))
                    try await journal.append(write)
                }
                // (a) The add-on config: what ACK keeps and re-applies.
                if current.config.networkPolicy != "true" {
                    try await wrote(try await addon.setNetworkPolicy("true", before: current.config))
                }
                // (b) eni-config: what Terway reads. Always checked, whatever (a) did to it.
                if let write = try await configMapChange.set(
                    "false", client: client, isSatisfied: { TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: $0) }
                ) {
                    try await wrote(write)
                }
                let check = TerwayPolicySwitch.value(inConfigMap: try await configMapChange.read(client))
                guard TerwayPolicySwitch.policyEnabled(disableNetworkPolicy: check) else {
                    throw RemediationError.configMapNotApplied(clusterId: id, found: ConfigMapChange.describe(check))
                }
                // (c) Terway reads the switch only when it starts.
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
