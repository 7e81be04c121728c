public import JSON

/// A `v1` ConfigMap.
public struct ConfigMap: KubernetesResource, Hashable {
    public static let kind = "ConfigMap"
    public var metadata: ObjectMeta
    public var data: [String: String]?
    public var binaryData: [String: String]?
    public var immutable: Bool?
    public var raw: JSONValue = .null

    enum CodingKeys: String, CodingKey { case metadata, data, binaryData, immutable }
}
