public import JSON

/// A `networking.k8s.io/v1` NetworkPolicy. Rules are kept as JSON: coverage needs only whether they exist.
public struct NetworkPolicy: KubernetesResource, Hashable {
    public struct Spec: Sendable, Hashable, Codable {
        public var podSelector: KubernetesLabelSelector?
        public var policyTypes: [String]?
        public var ingress: [JSONValue]?
        public var egress: [JSONValue]?
    }

    public static let kind = "NetworkPolicy"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var raw: JSONValue = .null

    enum CodingKeys: String, CodingKey { case metadata, spec }

    /// The policy types in effect: `policyTypes` when given, else `Ingress` plus `Egress` when egress rules exist
    /// (the API server's defaulting).
    public var effectivePolicyTypes: Set<String> {
        if let types = spec?.policyTypes, !types.isEmpty { return Set(types) }
        var types: Set<String> = ["Ingress"]
        if !(spec?.egress ?? []).isEmpty { types.insert("Egress") }
        return types
    }
}
