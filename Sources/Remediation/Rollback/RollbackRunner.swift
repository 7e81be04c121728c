import AlibabaCloud
import Audit
import Evidence
import KubernetesAPI

/// `ackguard fix --rollback FILE`: puts recorded clusters back as they were before ackguard first wrote to them, but
/// only when the file proves it describes ackguard's own change to that very cluster as it still stands
/// (``RollbackProof``). Every selected cluster is checked before anything is written to any of them; one that does
/// not match refuses the whole rollback. Then, per cluster: the add-on's `NetworkPolicy` (when ackguard changed it),
/// then `eni-config`'s `disable_network_policy` (the same value, or absent again) in one patch that also removes
/// the proof, then a Terway restart so the agents read it, and a check of the result.
public struct RollbackRunner: Sendable {
    public let context: RemediationContext

    public init(context: RemediationContext) {
        self.context = context
    }

    /// A cluster whose record matched what it holds, with what was read to check it.
    public struct VerifiedEntry: Sendable {
        public var entry: RollbackEntry
        let detail: JSONValue
        let before: Finding
        /// The add-on still reads what ackguard set (else it reads the prior value and needs no write).
        let addonNeedsRestore: Bool
        let configMap: JSONValue
    }

    /// Checks every selected entry against its cluster, writing nothing. Throws the first refusal.
    public func verify(_ file: RollbackFile, only clusterIds: Set<String>? = nil) async throws(RemediationError)
        -> [VerifiedEntry]
    {
        var verified: [VerifiedEntry] = []
        for entry in file.clusters where clusterIds?.contains(entry.clusterId) ?? true {
            verified.append(try await verify(entry))
        }
        return verified
    }

    func verify(_ entry: RollbackEntry) async throws(RemediationError) -> VerifiedEntry {
        let id = entry.clusterId
        func refuse(_ detail: String) -> RemediationError { .rollbackRefused(clusterId: id, detail: detail) }
        // The file's own consistency (load checks it too; a file built in memory is checked here).
        if let problem = RollbackProof.problem(in: entry) { throw refuse(problem) }
        let context = self.context
        let detail: JSONValue
        do {
            detail = try await context.client.describeClusterDetail(clusterId: id, region: entry.regionId).raw
        } catch {
            throw refuse("DescribeClusterDetail in \(entry.regionId) failed: \(error)")
        }
        let record = EvidenceDecoding.record(from: [(detail, "DescribeClusterDetail")])
        guard record.clusterId == id, record.regionId.isEmpty || record.regionId == entry.regionId else {
            throw refuse(
                "the API describes cluster \(RollbackProof.quoted(record.clusterId)) in region "
                    + "\(RollbackProof.quoted(record.regionId)), not the recorded one")
        }
        let addon = AddonConfigChange(context: context, clusterId: id, regionId: entry.regionId)
        let addonNow: AddonConfigChange.Reading
        do {
            addonNow = try await addon.read()
        } catch {
            throw refuse("\(error)")
        }
        let policyNow = addonNow.config.networkPolicy
        let after = entry.addon.afterNetworkPolicy.text
        let prior = entry.addon.priorNetworkPolicy.text
        guard policyNow == after || policyNow == prior else {
            throw refuse(
                "the terway-eniip add-on config reads NetworkPolicy \(ConfigMapChange.describe(policyNow)), neither "
                    + "what ackguard set (\(entry.addon.afterNetworkPolicy)) nor the recorded prior value")
        }
        let configMap: JSONValue
        do {
            configMap = try await context.withKubernetes(record) { client in
                try await ConfigMapChange(context: context, clusterId: id, regionId: entry.regionId, client: client)
                    .read()
            }
        } catch {
            throw refuse("\(error)")
        }
        guard let proof = ConfigMapChange.proof(in: configMap) else {
            throw refuse(
                "kube-system/eni-config has no \(RollbackProof.annotation) annotation: ackguard's fix is not on "
                    + "this cluster (never applied here, already rolled back, or removed since)")
        }
        guard proof == entry.digest else {
            throw refuse(
                "the \(RollbackProof.annotation) annotation on kube-system/eni-config is "
                    + "\(RollbackProof.quoted(String(proof.prefix(80)))), not the file's record \(entry.digest)")
        }
        let value = TerwayPolicySwitch.value(inConfigMap: configMap)
        guard value == entry.configMap.after.text else {
            throw refuse(
                "kube-system/eni-config reads disable_network_policy \(ConfigMapChange.describe(value)), not what "
                    + "ackguard left there (\(entry.configMap.after))")
        }
        let version = configMap["metadata"]?["resourceVersion"]?.stringValue
        guard let expected = entry.configMap.afterResourceVersion, version == expected else {
            throw refuse(
                "kube-system/eni-config is at resourceVersion \(ConfigMapChange.describe(version)), not "
                    + "\(ConfigMapChange.describe(entry.configMap.afterResourceVersion)) as ackguard left it: it "
                    + "changed since the fix")
        }
        let before = await context.reaudit(detail).finding
        return VerifiedEntry(
            entry: entry, detail: detail, before: before, addonNeedsRestore: policyNow != prior,
            configMap: configMap)
    }

    /// Verifies, then restores, the clusters of `file` (only those in `clusterIds`, when given). When one cluster
    /// is refused, nothing is written anywhere: every selected cluster's outcome is `refused`.
    public func restore(_ file: RollbackFile, only clusterIds: Set<String>? = nil) async -> [ClusterOutcome] {
        let selected = file.clusters.filter { clusterIds?.contains($0.clusterId) ?? true }
        let verified: [VerifiedEntry]
        do {
            verified = try await verify(file, only: clusterIds)
        } catch {
            let refusedId: String
            if case .rollbackRefused(let clusterId, _) = error { refusedId = clusterId } else { refusedId = "" }
            return selected.map { entry in
                ClusterOutcome(
                    clusterId: entry.clusterId, clusterName: entry.clusterName, regionId: entry.regionId,
                    action: "rollback", result: .refused,
                    error: entry.clusterId == refusedId
                        ? error.description : "not restored: another cluster of the file was refused")
            }
        }
        return await restore(verified)
    }

    /// Restores verified entries, one after another.
    public func restore(_ verified: [VerifiedEntry]) async -> [ClusterOutcome] {
        var outcomes: [ClusterOutcome] = []
        for item in verified { outcomes.append(await restore(item)) }
        return outcomes
    }

    func restore(_ item: VerifiedEntry) async -> ClusterOutcome {
        let entry = item.entry
        let id = entry.clusterId
        let region = entry.regionId
        var outcome = ClusterOutcome(
            clusterId: id, clusterName: entry.clusterName, regionId: region, action: "rollback", result: .failed,
            before: item.before)
        let context = self.context
        do {
            let record = EvidenceDecoding.record(from: [(item.detail, "DescribeClusterDetail")])
            let addon = AddonConfigChange(context: context, clusterId: id, regionId: region)
            let restart = TerwayRestart(context: context, clusterId: id, regionId: region)
            let prior = entry.configMap.prior.text
            let priorPolicy = entry.addon.priorNetworkPolicy.text
            let notes: [String] = try await context.withKubernetes(record) { client in
                let configMapChange = ConfigMapChange(context: context, clusterId: id, regionId: region, client: client)
                var notes: [String] = []
                func wrote(_ write: WriteRecord) async {
                    outcome.writes.append(write)
                    await context.events(.wrote(write))
                }
                // The add-on first: the proof on eni-config stays until the last write, so a rollback stopped
                // half-way can be run again.
                if item.addonNeedsRestore {
                    let current = try await addon.read()
                    await wrote(try await addon.setNetworkPolicy(priorPolicy, before: current.config))
                }
                // eni-config at the version just verified: the prior value back and the proof removed, in one patch.
                let change: ConfigMapChange.ValueChange =
                    TerwayPolicySwitch.value(inConfigMap: item.configMap) == prior ? .keep : .set(prior)
                switch try await configMapChange.patch(item.configMap, change: change, proof: nil, attempt: 1) {
                case .applied(let write, _):
                    await wrote(write)
                case .conflict:
                    throw RemediationError.stepFailed(
                        clusterId: id, step: "PATCH \(ConfigMapChange.path)",
                        detail: "eni-config changed after it was verified (409 Conflict); it was not restored")
                }
                let (write, generation) = try await restart.restart(client)
                await wrote(write)
                try await restart.waitForRollout(client, generation: generation)
                // Check what is there now against the record.
                let configMapNow = TerwayPolicySwitch.value(inConfigMap: try await configMapChange.read())
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
            outcome.after = await context.reaudit(item.detail).finding
            outcome.result = .restored
        } catch {
            outcome.result = .failed
            outcome.error = "\(error)"
        }
        return outcome
    }
}
