import AlibabaCloud
import Audit
import BoundedConcurrency
import Evidence
import KubernetesAPI
import LiveCollection

/// Turns audited clusters into plans. Planning only reads (CS `GET`s, Kubernetes `GET`s): it never writes.
public struct FixPlanner: Sendable {
    public let context: RemediationContext

    public init(context: RemediationContext) {
        self.context = context
    }

    static let eniConfigPath = KubernetesPath.configMap(namespace: "kube-system", name: "eni-config")
    static let daemonSetPath = KubernetesPath.daemonSet(namespace: "kube-system", name: "terway-eniip")

    /// Plans every `FAIL` / `UNKNOWN` cluster of `clusters`, several at a time.
    public func plan(_ clusters: [AuditedCluster], options: FixOptions) async -> FixPlan {
        let findings = AuditEngine.sorted(clusters.map(\.finding))
        let failing = clusters.filter { $0.finding.status == .fail || $0.finding.status == .unknown }
        // Each cluster being planned holds a Kubernetes client: at most 32 at once, fewer with --concurrency.
        let width = min(32, max(1, context.collector.options.concurrency))
        let planner = self
        let plans = await boundedFanOut(failing, width: width) { cluster in
            await planner.planCluster(cluster, options: options)
        }
        let order = Dictionary(
            findings.enumerated().map { ($1.clusterId, $0) }, uniquingKeysWith: { first, _ in first })
        let sorted = plans.sorted { (order[$0.clusterId] ?? 0) < (order[$1.clusterId] ?? 0) }
        return FixPlan(findings: findings, clusters: sorted)
    }

    /// The plan for one failing cluster.
    public func planCluster(_ cluster: AuditedCluster, options: FixOptions) async -> ClusterPlan {
        switch cluster.finding.reason {
        case .configMapPolicyDisabled, .addonPolicyDisabled, .policyStateUnknown:
            return await planEnable(cluster, options: options)
        case .pluginFlannel, .pluginTerwayExclusiveENI:
            return await planMigration(cluster, options: options)
        default:
            var blockers = [cluster.finding.message]
            blockers += cluster.finding.remediation.steps
            return ClusterPlan(cluster: cluster, action: .noAutomaticFix, blockers: blockers)
        }
    }

    // MARK: - In place

    func planEnable(_ cluster: AuditedCluster, options: FixOptions) async -> ClusterPlan {
        var preconditions = EnablePreconditions()
        var warnings: [String] = []
        var blockers: [String] = []
        switch cluster.evidence.addonInstances["terway-eniip"] ?? .notCollected {
        case .read(let instance, _):
            preconditions.addonConfig = AddonConfig(instance: instance).text
            preconditions.addonState = instance["state"]?.stringValue
            preconditions.terwayVersion = instance["version"]?.stringValue
        case .failed(_, let error):
            warnings.append("the terway-eniip add-on could not be read (\(error)); apply reads it again")
        case .notFound(_, let detail):
            blockers.append("the terway-eniip add-on is not installed (\(detail))")
        case .notCollected:
            warnings.append("the terway-eniip add-on was not read; apply reads it")
        }
        if let state = preconditions.addonState, state.lowercased() != "active" {
            warnings.append("the terway-eniip add-on is \(state); apply needs it active")
        }
        let record = cluster.record
        do {
            let evidence = cluster.evidence
            let read = try await context.withKubernetes(record) { client in
                await Self.readKubernetes(client, evidence: evidence)
            }
            preconditions.configMapValue = read.configMapValue
            preconditions.configMapResourceVersion = read.configMapResourceVersion
            preconditions.datapath = read.datapath
            preconditions.nodeCount = read.nodeCount
            preconditions.nodeCountSource = read.nodeCountSource
            preconditions.exclusiveENINodes = read.exclusiveENINodes
            preconditions.networkPolicies = read.networkPolicies
            preconditions.networkPoliciesProblem = read.networkPoliciesProblem
            preconditions.terwayImage = read.terwayImage
            blockers += read.blockers
            warnings += read.warnings
        } catch {
            blockers.append("\(error)")
        }
        if !blockers.isEmpty {
            blockers.append(
                "nothing is changed on this cluster; fix the above, or follow the finding's remediation by hand")
            return ClusterPlan(
                cluster: cluster, action: .blocked, preconditions: preconditions, warnings: warnings,
                blockers: blockers)
        }
        warnings += Self.warnings(preconditions, allowLarge: options.allowLarge)
        var refusal: String?
        if preconditions.isLargeFelix && !options.allowLarge {
            let datapath = preconditions.datapath == nil ? "a datapath that may be Felix" : "the Felix datapath"
            refusal =
                "\(preconditions.nodeCount ?? 0) nodes with \(datapath): ACK advises deploying Typha (3 replicas, one "
                + "more per 200 nodes) before enabling NetworkPolicy; --apply refuses this cluster unless "
                + "--allow-large is given"
        }
        return ClusterPlan(
            cluster: cluster, action: .enableInPlace, preconditions: preconditions,
            steps: steps(preconditions), warnings: warnings, refusal: refusal)
    }

    struct KubernetesReading: Sendable {
        var configMapValue: String?
        var configMapResourceVersion: String?
        var datapath: TerwayDatapath?
        var nodeCount: Int?
        var nodeCountSource = "unknown"
        var exclusiveENINodes: [String] = []
        var networkPolicies: [String]?
        var networkPoliciesProblem: String?
        var terwayImage: String?
        var blockers: [String] = []
        var warnings: [String] = []

        /// Takes the switch, datapath, node count and exclusive-ENI nodes from a rule-1 finding's evidence.
        func with(_ finding: Finding, clusterSize: Int?) -> KubernetesReading {
            var reading = self
            if let configMap = finding.evidence["configMap"], configMap["state"] == "read" {
                reading.configMapValue = configMap["disable_network_policy"]?.stringValue
                reading.configMapResourceVersion = configMap["resourceVersion"]?.scalarText
                reading.datapath = configMap["datapath"]?.stringValue.flatMap(TerwayDatapath.init(rawValue:))
            }
            if let nodes = finding.evidence["nodes"] {
                if let count = nodes["count"]?.intValue, nodes["error"] == nil {
                    reading.nodeCount = count
                    reading.nodeCountSource = "Kubernetes nodes"
                } else {
                    reading.nodeCount = nodes["clusterSize"]?.intValue ?? clusterSize
                    reading.nodeCountSource = "cluster size"
                }
                reading.exclusiveENINodes = (nodes["exclusiveEniNodes"]?.arrayValue ?? []).compactMap(\.stringValue)
            }
            return reading
        }
    }

    /// What the plan needs from the cluster's Kubernetes API. `eni-config` and the nodes are taken from the audit
    /// when it read them (and read now otherwise); the node count, exclusive-ENI nodes, switch value and datapath
    /// come out of rule 1's own evidence, so they mean exactly what the audit meant. NetworkPolicies and the
    /// `terway-eniip` DaemonSet are read now.
    static func readKubernetes(_ client: KubernetesClient, evidence audited: ClusterEvidence) async
        -> KubernetesReading
    {
        var reading = KubernetesReading()
        var evidence = audited
        if evidence.eniConfig.value == nil {
            do {
                evidence.eniConfig = .read(try await client.get(eniConfigPath), source: "GET \(eniConfigPath)")
            } catch KubernetesError.status(let status) where status.isNotFound {
                reading.blockers.append("kube-system/eni-config does not exist: check the Terway installation")
            } catch {
                reading.blockers.append("kube-system/eni-config cannot be read: \(error)")
                // The same API will not answer the other reads either.
                return reading.with(NetworkPolicySupportRule.evaluate(evidence), clusterSize: evidence.record.size)
            }
        }
        if evidence.nodes.value == nil {
            do {
                let nodes = try await client.list(KubernetesPath.nodes)["items"]?.arrayValue ?? []
                evidence.nodes = .read(nodes, source: "GET \(KubernetesPath.nodes)")
            } catch {
                reading.warnings.append("the nodes could not be listed (\(error)); exclusive-ENI nodes are not known")
            }
        }
        reading = reading.with(NetworkPolicySupportRule.evaluate(evidence), clusterSize: evidence.record.size)
        do {
            let policies = try await client.list(KubernetesPath.networkPolicies())["items"]?.arrayValue ?? []
            reading.networkPolicies = policies.compactMap { policy -> String? in
                guard let name = policy["metadata"]?["name"]?.stringValue else { return nil }
                return "\(policy["metadata"]?["namespace"]?.stringValue ?? "default")/\(name)"
            }.sorted()
        } catch {
            reading.networkPoliciesProblem = "\(error)"
            reading.warnings.append(
                "the NetworkPolicies could not be listed (\(error)): any that exist start to be enforced")
        }
        do {
            let daemonSet = try await client.get(daemonSetPath)
            let containers = daemonSet["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
            let terway = containers.first { $0["name"]?.stringValue == "terway" } ?? containers.first
            reading.terwayImage = terway?["image"]?.stringValue
        } catch KubernetesError.status(let status) where status.isNotFound {
            reading.blockers.append("DaemonSet kube-system/terway-eniip does not exist: Terway cannot be restarted")
        } catch {
            reading.blockers.append("DaemonSet kube-system/terway-eniip cannot be read: \(error)")
        }
        return reading
    }

    static func warnings(_ preconditions: EnablePreconditions, allowLarge: Bool) -> [String] {
        var warnings: [String] = []
        if let policies = preconditions.networkPolicies, !policies.isEmpty {
            warnings.append(
                "\(policies.count) NetworkPolic\(policies.count == 1 ? "y exists and starts" : "ies exist and start") "
                    + "to be enforced: " + policies.joined(separator: ", "))
        }
        if !preconditions.exclusiveENINodes.isEmpty {
            warnings.append(
                "\(preconditions.exclusiveENINodes.count) node(s) run in exclusive ENI mode, where policy will not "
                    + "apply: " + preconditions.exclusiveENINodes.joined(separator: ", "))
        }
        if preconditions.isLargeFelix && allowLarge {
            warnings.append(
                "\(preconditions.nodeCount ?? 0) nodes with the Felix datapath: going ahead because of --allow-large; "
                    + "ACK advises Typha first")
        }
        if preconditions.datapath == nil {
            warnings.append("the policy datapath cannot be told from eni-config's 10-terway.conf")
        }
        if preconditions.terwayVersion == nil && preconditions.terwayImage == nil {
            warnings.append("the Terway version is not known")
        }
        return warnings
    }

    func steps(_ preconditions: EnablePreconditions) -> [String] {
        let config = preconditions.addonConfig.map { $0.isEmpty ? "(empty)" : $0 } ?? "(not read)"
        let current = preconditions.configMapValue.map { "\"\($0)\"" } ?? "(absent)"
        let version = preconditions.configMapResourceVersion ?? "?"
        return [
            "merge-patch kube-system/eni-config data.disable_network_policy \(current) → \"false\" (left as it is "
                + "when it already enables policy) and annotation \(RollbackProof.annotation) (the digest of the "
                + "rollback record, the proof a rollback needs), guarded by the resourceVersion read just before (now "
                + "\(version)); no other key is touched; on 409 re-read, re-record, re-check, retry up to "
                + "\(context.timing.maxConflictRetries) times",
            "ModifyClusterAddon terway-eniip config {\"NetworkPolicy\":\"true\"} (config now: \(config)); wait for "
                + "DescribeClusterAddonsUpgradeStatus to report Success",
            "rollout-restart DaemonSet kube-system/terway-eniip (pod-template annotation "
                + "kubectl.kubernetes.io/restartedAt) and wait until it is rolled out (timeout "
                + "\(context.timing.rolloutTimeout.wholeSeconds) s)",
            "re-audit the cluster and show before and after",
        ]
    }

    // MARK: - Migration

    func planMigration(_ cluster: AuditedCluster, options: FixOptions) async -> ClusterPlan {
        let record = cluster.record
        var warnings: [String] = []
        var detail = cluster.listing
        do {
            detail = try await context.client.describeClusterDetail(
                clusterId: record.clusterId, region: record.regionId
            ).raw
        } catch {
            warnings.append("DescribeClusterDetail failed (\(error)); the listing was used instead")
        }
        var nodePools: [JSONValue]?
        do {
            let response = try await context.client.describeClusterNodePools(
                clusterId: record.clusterId, region: record.regionId)
            nodePools = response.value["nodepools"]?.arrayValue ?? []
        } catch {
            warnings.append("DescribeClusterNodePools failed (\(error))")
        }
        let migration = ReplacementClusterBuilder.plan(
            detail: detail, nodePools: nodePools, podVSwitches: options.podVSwitches)
        let plugin = cluster.finding.reason == .pluginFlannel ? "Flannel" : "Terway in exclusive ENI mode"
        let name = migration.createClusterBody["name"]?.stringValue ?? "the replacement"
        let steps = [
            "\(plugin) cannot enforce NetworkPolicy and a cluster's plug-in cannot change: this cluster is never "
                + "changed in place",
            "with --apply --create-replacement: CreateCluster \(name) with the body below, then follow "
                + "DescribeTaskInfo until the cluster runs",
            "move the workloads, then delete \(record.clusterId) yourself: ackguard never deletes a cluster",
        ]
        var refusal: String?
        if migration.usesPlaceholderPodVSwitch {
            refusal = "the pod vSwitches are placeholders; name them with --pod-vswitch vsw-…"
        }
        return ClusterPlan(
            cluster: cluster, action: .migrate, steps: steps, warnings: warnings + migration.notes, refusal: refusal,
            migration: migration)
    }
}
