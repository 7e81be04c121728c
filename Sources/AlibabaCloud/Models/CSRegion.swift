public import JSON

/// One entry of `DescribeRegions` (`{"regionId": …, "localName": …}`).
public struct CSRegion: Sendable, Hashable, Codable {
    public let json: JSONValue

    public init(json: JSONValue) { self.json = json }

    public var regionId: String? { json.text("regionId") ?? json.text("region_id") ?? json.text("RegionId") }
    public var localName: String? { json.text("localName") ?? json.text("local_name") ?? json.text("LocalName") }

    /// The regions of a `DescribeRegions` body (`{"regions": [...]}`, or a bare array).
    static func list(from body: JSONValue) -> [CSRegion] {
        let items = body["regions"]?.arrayValue ?? body["Regions"]?.arrayValue ?? body.arrayValue ?? []
        return items.filter { $0.objectValue != nil }.map(CSRegion.init(json:))
    }

    public init(from decoder: any Decoder) throws { json = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
