public import JSON

/// A list of objects of one kind, with the list as received (`raw`, merged across pages by
/// ``KubernetesClient/list(_:pageSize:maxPages:)``).
public struct KubernetesList<Item: KubernetesResource>: Sendable {
    public var items: [Item]
    /// `metadata.resourceVersion` of the (first page of the) list.
    public var resourceVersion: String?
    public var raw: JSONValue

    public init(json: JSONValue) throws {
        guard case .object = json else {
            throw KubernetesError.invalidResponse("\(Item.kind)List: not a JSON object")
        }
        var items: [Item] = []
        switch json["items"] {
        case .array(let values):
            for value in values { items.append(try Item(json: value)) }
        case .null, nil: break
        default: throw KubernetesError.invalidResponse("\(Item.kind)List: items is not an array")
        }
        self.items = items
        self.resourceVersion = json["metadata"]?["resourceVersion"]?.stringValue
        self.raw = json
    }
}
