public import Audit

/// Help text every report format shows for a rule: what to do about a finding, as plain text and as Markdown.
extension RuleID {
    /// The rule's remediation advice, plain text.
    public var helpText: String {
        switch self {
        case .networkPolicySupport:
            "ACK enforces Kubernetes NetworkPolicy only with the Terway plug-in in shared-ENI mode (terway-eniip) and "
                + "network policy switched on. Flannel and exclusive-ENI Terway clusters cannot enforce it, and the "
                + "plug-in cannot change after creation: create a new cluster with terway-eniip and the add-on config "
                + "{\"NetworkPolicy\":\"true\"}, then migrate the workloads. On a terway-eniip cluster with policy "
                + "off, set disable_network_policy to \"false\" in the kube-system/eni-config ConfigMap (and "
                + "NetworkPolicy to \"true\" in the add-on config), then restart the terway-eniip DaemonSet."
        case .networkPolicyCoverage:
            "Give every application namespace a NetworkPolicy whose podSelector is empty and whose policyTypes include "
                + "Ingress (default deny for ingress), then allow the traffic each workload needs. kube-system, "
                + "kube-public and kube-node-lease are excluded by default."
        }
    }

    /// The rule's remediation advice, Markdown.
    public var helpMarkdown: String {
        switch self {
        case .networkPolicySupport:
            """
            ACK enforces Kubernetes NetworkPolicy only with the Terway plug-in in shared-ENI mode (`terway-eniip`) \
            and network policy switched on.

            * **Flannel or exclusive-ENI Terway** (`plugin-flannel`, `plugin-terway-exclusive-eni`): the plug-in \
            cannot change after creation. Create a new cluster with `terway-eniip` and the add-on config \
            `{"NetworkPolicy":"true"}`, then migrate the workloads.
            * **Policy switched off** (`configmap-policy-disabled`, `addon-policy-disabled`, \
            `policy-state-unknown`): set `disable_network_policy` to `"false"` in the `kube-system/eni-config` \
            ConfigMap (and `NetworkPolicy` to `"true"` in the add-on config), then restart the `terway-eniip` \
            DaemonSet so the agents read it.

            Compliance: \(compliance.joined(separator: ", ")).
            """
        case .networkPolicyCoverage:
            """
            Give every application namespace a NetworkPolicy whose `podSelector` is empty and whose `policyTypes` \
            include `Ingress` (default deny for ingress), then allow the traffic each workload needs. \
            `kube-system`, `kube-public` and `kube-node-lease` are excluded by default.

            Compliance: \(compliance.joined(separator: ", ")).
            """
        }
    }
}
