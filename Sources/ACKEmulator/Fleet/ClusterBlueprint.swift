import Foundation

/// Everything that decides how a generated (or created) cluster looks; `ClusterBuilder` turns it into records.
struct ClusterBlueprint: Sendable {
    enum NetworkPlugin: Sendable, Equatable {
        case flannel
        /// Flannel whose `meta_data` lists only `flannel`, not `kube-flannel-ds`.
        case flannelAddonOnly
        case terwayENIIP
        case terwayENI
        /// Serverless or registered clusters: no ACK-managed CNI.
        case none
        /// An ACK cluster whose network add-on cannot be identified anywhere.
        case unidentified
    }

    enum ConfigMapState: Sendable, Equatable {
        /// No `kube-system/eni-config` at all.
        case missing
        /// The ConfigMap exists without `disable_network_policy`.
        case keyAbsent
        case value(String)
    }

    enum CoveragePattern: Sendable, Equatable {
        /// Only the system namespaces and `default`.
        case systemOnly
        /// Every application namespace (and `default`) has an ingress policy selecting all pods.
        case allCovered
        /// Namespaces without policies, with label-selector-only policies and with egress-only policies.
        case mixed
    }

    var id: String
    var name: String
    var regionId: String
    var zoneId: String
    var accountId: String
    var clusterType = "ManagedKubernetes"
    var profile = "Default"
    var clusterSpec = "ack.pro.small"
    var state = "running"
    var version = "1.30.1-aliyun.1"
    var created: Date
    var plugin: NetworkPlugin = .terwayENIIP
    /// Config keys of the network add-on as the add-on API reports them (`terway-eniip`: `NetworkPolicy` etc.).
    var addonConfig: [String: String] = [:]
    /// The network add-on config recorded in `meta_data` at creation, when it differs from `addonConfig`.
    var metaDataAddonConfig: [String: String]?
    var configMap: ConfigMapState = .keyAbsent
    /// `eniip_virtual_type` in `10-terway.conf`: `datapathv2` (eBPF) or `veth` (Felix).
    var datapath = "datapathv2"
    var nodeCount = 3
    var exclusiveENINodeCount = 0
    var coverage: CoveragePattern = .systemOnly
    var kubernetesFault: KubernetesFault = .none
    var situations: Set<FleetSituation> = []
    var tags: [String: String] = [:]
    var deletionProtection = false
    var serviceCIDR = "192.168.0.0/16"
    var containerCIDR = "172.20.0.0/16"
    /// Extra add-ons (name → config) installed besides the defaults, e.g. from a CreateCluster body.
    var extraAddons: [(name: String, config: String)] = []
    var instanceType = "ecs.g7.xlarge"
}
