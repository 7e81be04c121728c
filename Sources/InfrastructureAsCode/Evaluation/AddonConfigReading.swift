import Audit

/// What an add-on `config` says about `NetworkPolicy`.
enum AddonConfigReading: Sendable, Hashable {
    /// No config at all (or an empty one): nothing chosen, so the add-on's default applies.
    case absent
    /// Not known before apply.
    case unknown(IaCUnknown)
    /// Known, but not a JSON object, or `NetworkPolicy` is not the string `"true"` or `"false"`.
    case invalid(String, raw: JSONValue)
    /// A JSON object without `NetworkPolicy`.
    case noSetting(raw: JSONValue)
    /// `NetworkPolicy` is `"true"` or `"false"`.
    case setting(String, raw: JSONValue)

    init(_ config: IaCValue?) {
        guard let config else {
            self = .absent
            return
        }
        if let unknown = config.firstUnknown {
            self = .unknown(unknown)
            return
        }
        let object: [String: JSONValue]
        let raw = config.json ?? .null
        switch config {
        case .null:
            self = .absent
            return
        case .string(let text):
            if text.trimmingSpaces().isEmpty {
                self = .absent
                return
            }
            do {
                guard case .object(let members) = try JSONValue.parse(text) else {
                    self = .invalid("the config is not a JSON object", raw: raw)
                    return
                }
                object = members
            } catch {
                self = .invalid("the config is not JSON (\(error.description))", raw: raw)
                return
            }
        case .object:
            guard case .object(let members)? = config.json else {
                self = .invalid("the config is not a JSON object", raw: raw)
                return
            }
            object = members
        default:
            self = .invalid("the config is neither a JSON string nor an object", raw: raw)
            return
        }
        guard let value = object["NetworkPolicy"] else {
            self = .noSetting(raw: raw)
            return
        }
        if value == "true" || value == "false" {
            self = .setting(value.stringValue!, raw: raw)
        } else {
            self = .invalid(
                "NetworkPolicy is \(value.serialized()), not the string \"true\" or \"false\"", raw: raw)
        }
    }

    var raw: JSONValue {
        switch self {
        case .absent, .unknown: return .null
        case .invalid(_, let raw), .noSetting(let raw), .setting(_, let raw): return raw
        }
    }

    /// Whether this reading settles the switch (an override without `NetworkPolicy` leaves the cluster's own).
    var isDecisive: Bool {
        switch self {
        case .absent, .noSetting: return false
        case .unknown, .invalid, .setting: return true
        }
    }
}
