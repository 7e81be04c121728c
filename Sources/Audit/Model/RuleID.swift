/// The rules ackguard evaluates. The raw values are stable: they are report, SARIF and history keys.
public enum RuleID: String, Sendable, Codable, CaseIterable, Comparable {
    /// ACK-007 / CIS Alibaba Cloud 7.7: the cluster can enforce NetworkPolicy.
    case networkPolicySupport = "ack-network-policy-support"
    /// Beyond the seed: namespaces are actually isolated by NetworkPolicy.
    case networkPolicyCoverage = "ack-network-policy-coverage"

    public var title: String {
        switch self {
        case .networkPolicySupport: "Enable Support for Network Policies"
        case .networkPolicyCoverage: "Isolate every namespace with a NetworkPolicy"
        }
    }

    public var compliance: [String] {
        switch self {
        case .networkPolicySupport: ["AlibabaCloud-ACK-007", "CIS-Alibaba-2.0-7.7"]
        case .networkPolicyCoverage: ["CIS-ACK-5.3.2", "Kubescape-C-0206", "Kubescape-C-0260"]
        }
    }

    public var risk: String {
        switch self {
        case .networkPolicySupport: "Medium"
        case .networkPolicyCoverage: "Medium"
        }
    }

    public var summary: String {
        switch self {
        case .networkPolicySupport:
            "ACK enforces Kubernetes NetworkPolicy only with the Terway plug-in in shared-ENI mode (terway-eniip) and "
                + "network policy switched on (kube-system/eni-config disable_network_policy not set)."
        case .networkPolicyCoverage:
            "Every application namespace has a NetworkPolicy that selects all of its pods for ingress, so no pod "
                + "accepts traffic from anywhere by default."
        }
    }

    /// Parses a rule name given on the command line: the id, or the compliance ids of rule 1.
    public static func named(_ text: String) -> [RuleID]? {
        let lowered = text.lowercased()
        if lowered == "all" { return RuleID.allCases }
        if let rule = RuleID(rawValue: lowered) { return [rule] }
        switch lowered {
        case "alibabacloud-ack-007", "ack-007", "cis-alibaba-2.0-7.7", "support": return [.networkPolicySupport]
        case "coverage": return [.networkPolicyCoverage]
        default: return nil
        }
    }

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
}
