public import JSON

/// A `v1` Pod (only what policy coverage needs).
public struct Pod: KubernetesResource, Hashable {
    public struct Spec: Sendable, Hashable, Codable {
        public var nodeName: String?
        public var hostNetwork: Bool?
    }

    public struct Status: Sendable, Hashable, Codable {
        public var phase: String?
        public var podIP: String?
    }

    public static let kind = "Pod"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?
    public var raw: JSONValue = .null

    enum CodingKeys: String, CodingKey { case metadata, spec, status }
}
