/// Reason codes of RULE.md. Stable strings: reports, history and suppressions key on them.
public enum ReasonCode: String, Sendable, Codable, CaseIterable {
    // Rule 1
    case clusterDeleted = "cluster-deleted"
    case registeredCluster = "registered-cluster"
    case serverlessCluster = "serverless-cluster"
    case pluginUnknown = "plugin-unknown"
    case pluginFlannel = "plugin-flannel"
    case pluginTerwayExclusiveENI = "plugin-terway-exclusive-eni"
    case configMapPolicyDisabled = "configmap-policy-disabled"
    case configMapPolicyEnabled = "configmap-policy-enabled"
    case configMapMissing = "configmap-missing"
    case addonPolicyDisabled = "addon-policy-disabled"
    case addonPolicyEnabled = "addon-policy-enabled"
    case policyStateUnknown = "policy-state-unknown"
    // Rule 1 on infrastructure code
    case valueUnknown = "value-unknown"
    // Rule 2
    case notApplicable = "not-applicable"
    case namespacesUncovered = "namespaces-uncovered"
    case namespacesCovered = "namespaces-covered"
    case kubernetesUnreadable = "kubernetes-unreadable"
    // Any rule: the evidence could not be collected at all
    case collectionFailed = "collection-failed"
}

/// Warning codes of RULE.md. Warnings never change a status, except under `--strict`.
public enum WarningCode: String, Sendable, Codable, CaseIterable {
    case addonConfigDrift = "addon-config-drift"
    case addonAPIConflict = "addon-api-conflict"
    case configMapNotVerified = "configmap-not-verified"
    case configMapUnreadable = "configmap-unreadable"
    case exclusiveENINodes = "exclusive-eni-nodes"
    case largeClusterFelix = "large-cluster-felix"
    case policiesNotEnforced = "policies-not-enforced"
}
