public import JSON

/// An installed add-on as `GetClusterAddonInstance` (or the deprecated `DescribeClusterAddonInstance`) returns it:
/// `{"name", "version", "state", "config", "logging"}` (ACK-API.md §2.6).
public struct CSAddonInstance: Sendable, Hashable, Codable {
    public let json: JSONValue

    public init(json: JSONValue) { self.json = json }

    public var name: String? { json.text("name") }
    public var version: String? { json.text("version") }
    /// `active`, `updating`, `upgrading`, `deleting`, …
    public var state: String? { json.text("state") }
    /// The add-on configuration as the API returns it: JSON text such as `{"NetworkPolicy":"true"}`.
    public var config: String? {
        if case .object = json["config"] { return nil }
        return json.text("config")
    }
    /// The configuration parsed (also accepted when the API sends an object instead of a string).
    public var configValues: [String: JSONValue]? { json.embeddedObject("config")?.objectValue }
    public var logging: JSONValue? { json["logging"] }

    public init(from decoder: any Decoder) throws { json = try JSONValue(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
