public import JSON

/// One entry of `meta_data.Addons` (the add-ons a cluster was created with).
public struct CSMetaDataAddon: Sendable, Hashable {
    public let json: JSONValue

    public init(json: JSONValue) { self.json = json }

    public var name: String? { json.text("name") ?? json.text("Name") }
    public var version: String? { json.text("version") ?? json.text("Version") }
    /// The add-on configuration, itself a JSON string (e.g. `{"NetworkPolicy":"true"}`).
    public var config: String? { json.text("config") ?? json.text("Config") }
    public var disabled: Bool? { json.flag("disabled") ?? json.flag("Disabled") }
    /// `config` parsed, when it holds a JSON object.
    public var configValues: [String: JSONValue]? { config.flatMap(JSONValue.parse)?.objectValue }
}
