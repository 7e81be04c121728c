import AlibabaCloud
import Audit
import Collection
import KubernetesAPI

/// `ackguard fix --rollback FILE`: puts every recorded cluster back as it was before ackguard first wrote to it —
/// `eni-config`'s `disable_network_policy` (the same value, or absent again), then the add-on's `NetworkPolicy`,
/// then a Terway restart so the agents read it — and checks the result. Only what ackguard changed is reverted.
public struct RollbackRunner: Sendable {
    public let context: RemediationContext

    public init(context: RemediationContext) {
        self.context = context
    }

    /// Restores the clusters of `file` (only those in `clusterIds`, when given).
    public func restore(_ file: RollbackFile, only clusterIds: Set<String>? = nil) async -> [ClusterOutcome] {
        var outcomes: [ClusterOutcome] = []
        for entry in file.clusters where clusterIds?.contains(entry.clusterId) ?? true {
            outcomes.append(await restore(entry))
        }
        return outcomes
    }

    func restore(_ entry: RollbackEntry) async -> ClusterOutcome {
        let id = entry.clusterId
        let region = entry.regionId
        var outcome = ClusterOutcome(
            clusterId: id, clusterName: entry.clusterName, regionId: region, action: "rollback", result: .failed)
        let context = self.context
        do {
            let detail: JSONValue
            do {
                detail = try await context.client.describeClusterDetail(clusterId: id, region: region).raw
            } catch {
                throw RemediationError.stepFailed(clusterId: id, step: "DescribeClusterDetail", detail: "\(error)")
            }
            outcome.before = await context.reaudit(detail).finding
            let record = EvidenceDecoding.record(from: [(detail, "DescribeClusterDetail")])
            let addon = AddonConfigChange(context: context, clusterId: id, regionId: region)
            let configMapChange = ConfigMapChange(context: context, clusterId: id, regionId: region)
            let restart = TerwayRestart(context: context, clusterId: id, regionId: region)
            let prior = entry.configMap.prior.text
            let priorPolicy = entry.addon.priorNetworkPolicy.text
            let notes: [String] = try await context.withKubernetes(record) { client in
                var notes: [String] = []
                func wrote(_ write: WriteRecord) async {
                    outcome.writes.append(write)
                    await context.events(.wrote(write))
                }
                // eni-config first: the reverse order of the fix.
                if let write = try await configMapChange.set(prior, client: client, isSatisfied: { $0 == prior }) {
                    await wrote(write)
                }
                let current = try await addon.read()
                if current.config.networkPolicy != priorPolicy {
                    await wrote(try await addon.setNetworkPolicy(priorPolicy, before: current.config))
                }
                if !outcome.writes.isEmpty {
                    let (write, generation) = try await restart.restart(client)
                    await wrote(write)
                    try await restart.waitForRollout(client, generation: generation)
                }
                // Check what is there now against the record.
                let configMapNow = TerwayPolicySwitch.value(inConfigMap: try await configMapChange.read(client))
                guard configMapNow == prior else {
                    throw RemediationError.configMapNotApplied(
                        clusterId: id, found: ConfigMapChange.describe(configMapNow))
                }
                let addonNow = try await addon.read().config
                guard addonNow.networkPolicy == priorPolicy else {
                    throw RemediationError.addonNotApplied(clusterId: id, found: addonNow.text)
                }
                let recorded = AddonConfig(text: entry.addon.priorConfig)
                if addonNow.values != recorded.values {
                    notes.append(
                        "NetworkPolicy is restored, but other add-on config keys changed since the fix (not by "
                            + "ackguard, left as they are): recorded \(entry.addon.priorConfig), now \(addonNow.text)")
                }
                return notes
            }
            outcome.notes += notes
            if outcome.writes.isEmpty { outcome.notes.append("nothing to restore: the cluster is as recorded") }
            outcome.after = await context.reaudit(detail).finding
            outcome.result = .restored
        } catch {
            outcome.result = .failed
            outcome.error = "\(error)"
        }
        return outcome
    }
}
