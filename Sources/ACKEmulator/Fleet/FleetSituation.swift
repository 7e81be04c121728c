/// A situation of RULE.md that a generated cluster shows.
///
/// Every generated cluster has exactly one primary situation (`isPrimary`, the ones rule 1 decides on) and any
/// number of secondary ones (add-on config variants, Kubernetes faults, NetworkPolicy coverage shapes for rule 2).
public enum FleetSituation: String, Sendable, Hashable, CaseIterable, Comparable {
    // Rule 1, primary situations.
    case flannel = "flannel"
    case terwayExclusiveENIOnly = "terway-eni-only"
    case configMapFalse = "configmap-false"
    case configMapKeyAbsent = "configmap-key-absent"
    case configMapZero = "configmap-zero"
    case configMapEmpty = "configmap-empty-string"
    case configMapTrue = "configmap-true"
    case configMapOne = "configmap-one"
    case configMapSpaceFalse = "configmap-space-false"
    case configMapCapitalTrue = "configmap-capital-true"
    case configMapMissing = "configmap-missing"
    case addonConfigDrift = "addon-config-drift"
    case addonPolicyTrueUnverified = "addon-true-kubernetes-unreadable"
    case addonPolicyFalseUnverified = "addon-false-kubernetes-unreadable"
    case addonPolicyAbsentUnverified = "addon-absent-kubernetes-unreadable"
    case registered = "registered"
    case serverlessProfile = "serverless-profile"
    case serverlessAsk = "serverless-ask"
    case deleting = "deleting"
    case deleted = "deleted"
    case deleteFailed = "delete-failed"
    case exclusiveENINodes = "exclusive-eni-nodes"
    case largeFelixCluster = "large-felix-cluster"
    case pluginUnknown = "plugin-unknown"
    // Secondary: the terway-eniip add-on config.
    case addonNetworkPolicyTrue = "addon-networkpolicy-true"
    case addonNetworkPolicyFalse = "addon-networkpolicy-false"
    case addonNetworkPolicyAbsent = "addon-networkpolicy-absent"
    /// `meta_data` still carries the creation-time add-on config, which the add-on API contradicts.
    case staleMetaData = "stale-meta-data"
    // Secondary: the Kubernetes API.
    case kubernetesRefuses = "kubernetes-refuses"
    case kubernetesForbidden = "kubernetes-forbidden"
    case kubernetesUnauthorized = "kubernetes-unauthorized"
    // Secondary: rule 2 shapes.
    case allNamespacesCovered = "all-namespaces-covered"
    case namespaceWithoutPolicy = "namespace-without-policy"
    case emptyPodSelectorPolicy = "empty-podselector-policy"
    case matchExpressionsPolicy = "matchexpressions-policy"
    case egressOnlyPolicy = "egress-only-policy"

    /// The situations rule 1 distinguishes; a generated cluster shows exactly one of them.
    public static let primary: [FleetSituation] = [
        .flannel, .terwayExclusiveENIOnly, .configMapFalse, .configMapKeyAbsent, .configMapZero, .configMapEmpty,
        .configMapTrue, .configMapOne, .configMapSpaceFalse, .configMapCapitalTrue, .configMapMissing,
        .addonConfigDrift, .addonPolicyTrueUnverified, .addonPolicyFalseUnverified, .addonPolicyAbsentUnverified,
        .registered, .serverlessProfile, .serverlessAsk, .deleting, .deleted, .deleteFailed, .exclusiveENINodes,
        .largeFelixCluster, .pluginUnknown,
    ]

    public var isPrimary: Bool { Self.primary.contains(self) }

    /// For a primary situation, the rule-1 verdict RULE.md gives it: status, reason code and warnings.
    public var expectedSupportVerdict: (status: String, reason: String, warnings: [String])? {
        switch self {
        case .flannel: ("FAIL", "plugin-flannel", [])
        case .terwayExclusiveENIOnly: ("FAIL", "plugin-terway-exclusive-eni", [])
        case .configMapFalse, .configMapKeyAbsent, .configMapZero, .configMapEmpty:
            ("PASS", "configmap-policy-enabled", [])
        case .configMapTrue, .configMapOne, .configMapSpaceFalse, .configMapCapitalTrue:
            ("FAIL", "configmap-policy-disabled", [])
        case .configMapMissing: ("UNKNOWN", "configmap-missing", [])
        case .addonConfigDrift: ("PASS", "configmap-policy-enabled", ["addon-config-drift"])
        case .addonPolicyTrueUnverified:
            ("PASS", "addon-policy-enabled", ["configmap-not-verified", "configmap-unreadable"])
        case .addonPolicyFalseUnverified: ("FAIL", "addon-policy-disabled", ["configmap-unreadable"])
        case .addonPolicyAbsentUnverified: ("UNKNOWN", "policy-state-unknown", ["configmap-unreadable"])
        case .registered: ("NOT_APPLICABLE", "registered-cluster", [])
        case .serverlessProfile, .serverlessAsk: ("NOT_APPLICABLE", "serverless-cluster", [])
        case .deleting, .deleted, .deleteFailed: ("NOT_APPLICABLE", "cluster-deleted", [])
        case .exclusiveENINodes: ("PASS", "configmap-policy-enabled", ["exclusive-eni-nodes"])
        case .largeFelixCluster: ("PASS", "configmap-policy-enabled", ["large-cluster-felix"])
        case .pluginUnknown: ("UNKNOWN", "plugin-unknown", [])
        default: nil
        }
    }

    public static func < (lhs: FleetSituation, rhs: FleetSituation) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
