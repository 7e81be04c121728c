import JSON

/// A resource tag, `{"key": …, "value": …}`.
public struct CSTag: Sendable, Hashable {
    public let key: String?
    public let value: String?

    public init(key: String?, value: String?) {
        self.key = key
        self.value = value
    }

    init(json: JSONValue) {
        self.init(key: json.text("key") ?? json.text("Key"), value: json.text("value") ?? json.text("Value"))
    }
}
