public import JSON

/// A `v1` Namespace.
public struct Namespace: KubernetesResource, Hashable {
    public struct Status: Sendable, Hashable, Codable {
        public var phase: String?
    }

    public static let kind = "Namespace"
    public var metadata: ObjectMeta
    public var status: Status?
    public var raw: JSONValue = .null

    enum CodingKeys: String, CodingKey { case metadata, status }
}
