import Audit
import Foundation
import Testing

@testable import ACKEmulator

@Suite("Fleet generator")
struct FleetGeneratorTests {
    let fleet = FleetGenerator.generate(.demo)

    func metaData(_ cluster: FleetCluster) throws -> JSONValue {
        let text = try #require(cluster.detail["meta_data"]?.stringValue)
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    func metaAddonNames(_ cluster: FleetCluster) throws -> [String] {
        try (metaData(cluster)["Addons"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    func addonNames(_ cluster: FleetCluster) -> [String] {
        cluster.addons.compactMap { $0["name"]?.stringValue }
    }

    func addonConfig(_ cluster: FleetCluster, _ name: String = "terway-eniip") throws -> [String: JSONValue] {
        let text = try #require(cluster.addon(named: name)?["config"]?.stringValue)
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)).objectValue ?? [:]
    }

    func eniConfig(_ cluster: FleetCluster) -> JSONValue? {
        cluster.kubernetesObjects(kind: "ConfigMap").first { $0["metadata"]?["name"] == "eni-config" }
    }

    func only(_ situation: FleetSituation) throws -> FleetCluster {
        let clusters = fleet.clusters(showing: situation)
        #expect(clusters.count == 1, "demo fleet shows \(situation) once")
        return try #require(clusters.first)
    }

    @Test("the demo fleet has 24 clusters over 6 regions, one per primary situation")
    func demoShape() {
        #expect(fleet.clusters.count == 24)
        #expect(fleet.regions.count == 6)
        #expect(Set(fleet.clusters.compactMap { $0.detail["region_id"]?.stringValue }).count == 6)
        for cluster in fleet.clusters {
            #expect(cluster.situations.filter(\.isPrimary).count == 1, "\(cluster.id) \(cluster.situations)")
        }
        #expect(Set(fleet.clusters.flatMap { $0.situations.filter(\.isPrimary) }) == Set(FleetSituation.primary))
        #expect(Set(fleet.clusters.map(\.id)).count == 24)
        for cluster in fleet.clusters {
            #expect(cluster.id.hasPrefix("c") && cluster.id.count == 33)
        }
    }

    @Test("the same seed gives the same fleet; another seed another one")
    func deterministic() {
        #expect(FleetGenerator.generate(.demo) == fleet)
        let other = FleetGenerator.generate(FleetSpecification(seed: 8))
        #expect(other != fleet)
        #expect(Set(other.clusters.map(\.id)).isDisjoint(with: fleet.clusters.map(\.id)))
    }

    @Test("larger fleets keep every primary situation; smaller ones have the requested size")
    func sizes() {
        let large = FleetGenerator.generate(FleetSpecification(clusterCount: 50, seed: 1, regions: ["cn-hangzhou"]))
        #expect(large.clusters.count == 50)
        #expect(Set(large.clusters.flatMap { $0.situations.filter(\.isPrimary) }) == Set(FleetSituation.primary))
        #expect(large.clusters.allSatisfy { $0.detail["region_id"] == "cn-hangzhou" })
        let small = FleetGenerator.generate(FleetSpecification(clusterCount: 5, seed: 1))
        #expect(small.clusters.count == 5)
    }

    @Test("expected verdicts cover every rule-1 reason code of RULE.md")
    func expectedVerdicts() {
        let reasons = Set(FleetSituation.primary.compactMap { $0.expectedSupportVerdict?.reason })
        #expect(
            reasons == [
                "cluster-deleted", "registered-cluster", "serverless-cluster", "plugin-unknown", "plugin-flannel",
                "plugin-terway-exclusive-eni", "configmap-policy-disabled", "configmap-policy-enabled",
                "addon-policy-disabled", "addon-policy-enabled", "policy-state-unknown", "configmap-missing",
            ])
        let warnings = Set(FleetSituation.primary.flatMap { $0.expectedSupportVerdict?.warnings ?? [] })
        #expect(
            warnings == [
                "addon-config-drift", "configmap-not-verified", "configmap-unreadable", "exclusive-eni-nodes",
                "large-cluster-felix",
            ])
    }

    @Test("Flannel: meta_data add-ons, Capabilities.Network and parameters.Network say Flannel")
    func flannel() throws {
        let cluster = try only(.flannel)
        #expect(try metaAddonNames(cluster).contains("flannel"))
        #expect(try metaAddonNames(cluster).contains("kube-flannel-ds"))
        #expect(try metaData(cluster)["Capabilities"]?["Network"] == "Flannel")
        #expect(cluster.detail["parameters"]?["Network"] == "Flannel")
        #expect(addonNames(cluster).contains("flannel"))
        #expect(!addonNames(cluster).contains("terway-eniip"))
        #expect(eniConfig(cluster) == nil)
        #expect(cluster.kubernetesObjects(kind: "DaemonSet").contains { $0["metadata"]?["name"] == "kube-flannel-ds" })
    }

    @Test("terway-eni only: exclusive ENI mode without terway-eniip anywhere")
    func terwayENIOnly() throws {
        let cluster = try only(.terwayExclusiveENIOnly)
        #expect(addonNames(cluster).contains("terway-eni"))
        #expect(!addonNames(cluster).contains("terway-eniip"))
        #expect(try !metaAddonNames(cluster).contains("terway-eniip"))
        #expect(cluster.detail["parameters"]?["Network"] == "terway-eni")
        #expect(cluster.kubernetesObjects(kind: "DaemonSet").contains { $0["metadata"]?["name"] == "terway-eni" })
    }

    @Test(
        "eni-config disable_network_policy takes every value RULE.md names",
        arguments: [
            (FleetSituation.configMapFalse, "false"), (.configMapZero, "0"), (.configMapEmpty, ""),
            (.configMapTrue, "true"), (.configMapOne, "1"), (.configMapSpaceFalse, " false"),
            (.configMapCapitalTrue, "True"),
        ])
    func configMapValues(situation: FleetSituation, value: String) throws {
        let cluster = try only(situation)
        let configMap = try #require(eniConfig(cluster))
        #expect(configMap["metadata"]?["namespace"] == "kube-system")
        #expect(configMap["data"]?["disable_network_policy"] == .string(value))
        #expect(addonNames(cluster).contains("terway-eniip"))
        #expect(cluster.detail["parameters"]?["Network"] == "terway-eniip")
        #expect(cluster.kubernetesFault == .none)
        #expect(cluster.kubernetesObjects(kind: "DaemonSet").contains { $0["metadata"]?["name"] == "terway-eniip" })
    }

    @Test("eni-config without the key, and no eni-config at all")
    func configMapAbsence() throws {
        let keyAbsent = try #require(eniConfig(try only(.configMapKeyAbsent)))
        #expect(keyAbsent["data"]?["disable_network_policy"] == nil)
        #expect(keyAbsent["data"]?["10-terway.conf"] != nil)
        let missing = try only(.configMapMissing)
        #expect(eniConfig(missing) == nil)
        #expect(addonNames(missing).contains("terway-eniip"))
        #expect(missing.kubernetesFault == .none)
    }

    @Test("add-on NetworkPolicy is \"true\", \"false\" and absent somewhere")
    func addonNetworkPolicy() throws {
        let values = try fleet.clusters.filter { $0.addon(named: "terway-eniip") != nil }.map {
            try addonConfig($0)["NetworkPolicy"]?.stringValue ?? "absent"
        }
        #expect(Set(values) == ["true", "false", "absent"])
        for cluster in fleet.clusters(showing: .addonNetworkPolicyAbsent) {
            #expect(try addonConfig(cluster)["NetworkPolicy"] == nil)
        }
    }

    @Test("drift: add-on says false while eni-config enables policy")
    func drift() throws {
        let cluster = try only(.addonConfigDrift)
        #expect(try addonConfig(cluster)["NetworkPolicy"] == "false")
        #expect(eniConfig(cluster)?["data"]?["disable_network_policy"] == "false")
    }

    @Test("add-on config with an unreadable Kubernetes API (refused, forbidden, unauthorized)")
    func unverified() throws {
        let refused = try only(.addonPolicyTrueUnverified)
        #expect(try addonConfig(refused)["NetworkPolicy"] == "true")
        #expect(refused.kubernetesFault == .refuse)
        let forbidden = try only(.addonPolicyFalseUnverified)
        #expect(try addonConfig(forbidden)["NetworkPolicy"] == "false")
        #expect(forbidden.kubernetesFault == .forbidden)
        let absent = try only(.addonPolicyAbsentUnverified)
        #expect(try addonConfig(absent)["NetworkPolicy"] == nil)
        #expect(absent.kubernetesFault == .unauthorized)
    }

    @Test("stale meta_data: the creation-time copy says true, the add-on API false")
    func staleMetaData() throws {
        let cluster = try #require(fleet.first(.staleMetaData))
        let entry = try #require(
            try metaData(cluster)["Addons"]?.arrayValue?.first { $0["name"] == "terway-eniip" })
        let text = try #require(entry["config"]?.stringValue)
        #expect(text.contains("\"NetworkPolicy\":\"true\""))
        #expect(try addonConfig(cluster)["NetworkPolicy"] == "false")
    }

    @Test("registered, serverless (profile and Ask) and deletion states")
    func notApplicable() throws {
        #expect(try only(.registered).detail["cluster_type"] == "ExternalKubernetes")
        let serverless = try only(.serverlessProfile)
        #expect(serverless.detail["profile"] == "Serverless")
        #expect(serverless.detail["cluster_type"] == "ManagedKubernetes")
        let ask = try only(.serverlessAsk)
        #expect(ask.detail["cluster_type"] == "Ask")
        #expect(ask.detail["profile"] != "Serverless")
        #expect(try only(.deleting).detail["state"] == "deleting")
        #expect(try only(.deleted).detail["state"] == "deleted")
        #expect(try only(.deleteFailed).detail["state"] == "delete_failed")
        let states = Set(fleet.clusters.compactMap { $0.detail["state"]?.stringValue })
        #expect(states == ["running", "deleting", "deleted", "delete_failed"])
    }

    @Test("exclusive-ENI nodes carry the eniOnly label, in their own node pool")
    func exclusiveENINodes() throws {
        let cluster = try only(.exclusiveENINodes)
        let nodes = cluster.kubernetesObjects(kind: "Node")
        let exclusive = nodes.filter {
            $0["metadata"]?["labels"]?["k8s.aliyun.com/exclusive-mode-eni-type"] == "eniOnly"
        }
        #expect(exclusive.count == 2)
        #expect(nodes.count == 5)
        let pool = try #require(cluster.nodePools.first { $0["nodepool_info"]?["name"] == "eni-only" })
        #expect(
            pool["kubernetes_config"]?["labels"]
                == [["key": "k8s.aliyun.com/exclusive-mode-eni-type", "value": "eniOnly"]])
        #expect(eniConfig(cluster)?["data"]?["disable_network_policy"] == "false")
    }

    @Test("a cluster over 100 nodes on the Felix (veth) datapath")
    func largeFelix() throws {
        let cluster = try only(.largeFelixCluster)
        #expect(cluster.kubernetesObjects(kind: "Node").count > 100)
        #expect(cluster.detail["size"]?.intValue ?? 0 > 100)
        let conf = try #require(eniConfig(cluster)?["data"]?["10-terway.conf"]?.stringValue)
        let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(conf.utf8))
        #expect(parsed["eniip_virtual_type"] == "veth")
        #expect(parsed["network_policy_provider"] == nil)
        #expect(eniConfig(cluster)?["data"]?["disable_network_policy"] == "false")
    }

    @Test("plug-in unknown: no network add-on in meta_data, parameters, Capabilities or the add-on API")
    func pluginUnknown() throws {
        let cluster = try only(.pluginUnknown)
        let network: Set<String> = ["flannel", "kube-flannel-ds", "terway-eniip", "terway-eni", "terway"]
        #expect(Set(try metaAddonNames(cluster)).isDisjoint(with: network))
        #expect(Set(addonNames(cluster)).isDisjoint(with: network))
        #expect(cluster.detail["parameters"]?["Network"] == nil)
        #expect(try metaData(cluster)["Capabilities"]?["Network"] == nil)
        #expect(cluster.detail["cluster_type"] == "ManagedKubernetes")
        #expect(cluster.detail["profile"] == "Default")
    }

    @Test("NetworkPolicies: empty podSelector, matchExpressions, egress-only; namespaces without policies; pods")
    func coverageShapes() throws {
        let readable = fleet.clusters.filter { $0.kubernetesFault == .none && $0.detail["state"] != "deleted" }
        let policies = readable.flatMap { $0.kubernetesObjects(kind: "NetworkPolicy") }
        #expect(
            policies.contains {
                $0["spec"]?["podSelector"] == [:] && $0["spec"]?["policyTypes"] == ["Ingress"]
            })
        #expect(policies.contains { $0["spec"]?["podSelector"] == [:] && $0["spec"]?["policyTypes"] == nil })
        #expect(policies.contains { $0["spec"]?["policyTypes"] == ["Egress"] })
        let operators = Set(
            policies.flatMap { $0["spec"]?["podSelector"]?["matchExpressions"]?.arrayValue ?? [] }
                .compactMap { $0["operator"]?.stringValue })
        #expect(operators == ["In", "NotIn", "Exists", "DoesNotExist"])
        #expect(!fleet.clusters(showing: .allNamespacesCovered).isEmpty)
        #expect(!fleet.clusters(showing: .namespaceWithoutPolicy).isEmpty)
        for cluster in fleet.clusters(showing: .namespaceWithoutPolicy) {
            let namespaces = cluster.kubernetesObjects(kind: "Namespace").compactMap {
                $0["metadata"]?["name"]?.stringValue
            }
            let covered = Set(
                cluster.kubernetesObjects(kind: "NetworkPolicy").compactMap {
                    $0["metadata"]?["namespace"]?.stringValue
                })
            #expect(namespaces.contains { !covered.contains($0) && $0 == "sandbox" })
        }
        #expect(readable.allSatisfy { !$0.kubernetesObjects(kind: "Pod").isEmpty })
        #expect(readable.allSatisfy { !$0.kubernetesObjects(kind: "Namespace").isEmpty })
    }
}
