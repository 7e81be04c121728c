public import JSON

/// One page of `DescribeClustersV1`: `{"clusters": [...], "page_info": {...}}`.
public struct CSClusterPage: Sendable, Hashable, Codable {
    public let json: JSONValue

    public init(json: JSONValue) { self.json = json }

    public var clusters: [CSCluster] {
        (json["clusters"]?.arrayValue ?? []).filter { $0.objectValue != nil }.map(CSCluster.init(json:))
    }

    public var pageInfo: CSPageInfo? { json["page_info"].map(CSPageInfo.init(json:)) }

    public init(from decoder: any Decoder) throws { json = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
