public import Audit

/// What must be known before policy is switched on in place (issue 6 §3), as read for the plan.
public struct EnablePreconditions: Sendable, Hashable {
    /// Nodes in the cluster (from the Kubernetes API, else the cluster's `size`).
    public var nodeCount: Int?
    /// Where `nodeCount` came from.
    public var nodeCountSource: String
    /// The policy datapath from `eni-config`'s `10-terway.conf`; `nil` when it cannot be told.
    public var datapath: TerwayDatapath?
    /// Nodes labelled `k8s.aliyun.com/exclusive-mode-eni-type: eniOnly`: policy will not apply there.
    public var exclusiveENINodes: [String]
    /// NetworkPolicies that start to be enforced (`namespace/name`); `nil` when they could not be listed.
    public var networkPolicies: [String]?
    /// Why the NetworkPolicies could not be listed.
    public var networkPoliciesProblem: String?
    /// The `terway-eniip` add-on version (add-on API).
    public var terwayVersion: String?
    /// The image of the `terway` container of the `terway-eniip` DaemonSet.
    public var terwayImage: String?
    /// The `terway-eniip` add-on config string as read, and its state (`active`, `updating`, …).
    public var addonConfig: String?
    public var addonState: String?
    /// `disable_network_policy` in `eni-config` (`nil`: the key is absent) and the ConfigMap's resourceVersion.
    public var configMapValue: String?
    public var configMapResourceVersion: String?

    public init(
        nodeCount: Int? = nil, nodeCountSource: String = "unknown", datapath: TerwayDatapath? = nil,
        exclusiveENINodes: [String] = [], networkPolicies: [String]? = nil, networkPoliciesProblem: String? = nil,
        terwayVersion: String? = nil, terwayImage: String? = nil, addonConfig: String? = nil,
        addonState: String? = nil, configMapValue: String? = nil, configMapResourceVersion: String? = nil
    ) {
        self.nodeCount = nodeCount
        self.nodeCountSource = nodeCountSource
        self.datapath = datapath
        self.exclusiveENINodes = exclusiveENINodes
        self.networkPolicies = networkPolicies
        self.networkPoliciesProblem = networkPoliciesProblem
        self.terwayVersion = terwayVersion
        self.terwayImage = terwayImage
        self.addonConfig = addonConfig
        self.addonState = addonState
        self.configMapValue = configMapValue
        self.configMapResourceVersion = configMapResourceVersion
    }

    /// More than 100 nodes and a datapath that is Felix, or that cannot be told (it may be Felix): ACK advises
    /// deploying Typha before enabling NetworkPolicy.
    public var isLargeFelix: Bool {
        guard let nodeCount, nodeCount > NetworkPolicySupportRule.largeClusterNodeCount else { return false }
        return datapath != .ebpf
    }

    /// The preconditions as JSON (for `--format json`).
    public var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        var object: [String: JSONValue] = [
            "nodeCount": nodeCount.map { .number(Double($0)) } ?? .null,
            "nodeCountSource": .string(nodeCountSource),
            "datapath": text(datapath?.rawValue),
            "largeFelixCluster": .bool(isLargeFelix),
            "exclusiveEniNodes": .array(exclusiveENINodes.map(JSONValue.string)),
            "networkPolicies": networkPolicies.map { .array($0.map(JSONValue.string)) } ?? .null,
            "terwayVersion": text(terwayVersion),
            "terwayImage": text(terwayImage),
            "addonConfig": text(addonConfig),
            "addonState": text(addonState),
            "disableNetworkPolicy": text(configMapValue),
            "disableNetworkPolicyPresent": .bool(configMapValue != nil),
            "configMapResourceVersion": text(configMapResourceVersion),
        ]
        if let networkPoliciesProblem { object["networkPoliciesProblem"] = .string(networkPoliciesProblem) }
        return .object(object)
    }
}
