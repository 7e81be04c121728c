public import JSON

/// A `v1` Node (labels carry the ENI mode: `k8s.aliyun.com/exclusive-mode-eni-type`).
public struct Node: KubernetesResource, Hashable {
    public struct Spec: Sendable, Hashable, Codable {
        public var providerID: String?
        public var unschedulable: Bool?
    }

    public static let kind = "Node"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var raw: JSONValue = .null

    enum CodingKeys: String, CodingKey { case metadata, spec }
}
