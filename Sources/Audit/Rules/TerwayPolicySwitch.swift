/// How Terway reads `disable_network_policy` from `kube-system/eni-config` (ACK-API.md §6.3): the key absent, or
/// exactly `""`, `"false"` or `"0"`, means policy is enabled; any other value disables it. No trimming, no case
/// folding: `"False"`, `" false"` and `"no"` all disable policy.
public enum TerwayPolicySwitch {
    public static let key = "disable_network_policy"

    /// `true` when Terway enforces NetworkPolicy for this value of `disable_network_policy` (`nil` = key absent).
    public static func policyEnabled(disableNetworkPolicy value: String?) -> Bool {
        guard let value else { return true }
        return value == "" || value == "false" || value == "0"
    }

    /// The value of `disable_network_policy` in a ConfigMap object, as text; `nil` when the key is absent.
    /// For showing and patching a ConfigMap read live, whose data values the API server guarantees to be strings;
    /// the audit decides with `setting(inConfigMap:)`, which never turns a non-string into text.
    public static func value(inConfigMap configMap: JSONValue) -> String? {
        guard let raw = configMap["data"]?[key], !raw.isNull else { return nil }
        return raw.scalarText ?? raw.serialized()
    }

    /// What a ConfigMap says about the switch, as Terway would read it.
    public enum Setting: Sendable, Equatable {
        /// The key is absent (policy enabled).
        case absent
        /// The key holds this string.
        case value(String)
        /// The key holds a number, boolean, null, array or object: not Terway's input (RULE.md layer 3), so the
        /// layer cannot be read. Never coerced: YAML `false` and JSON `0.0` say nothing about what Terway does.
        case notAString(JSONValue)
    }

    /// The switch in a ConfigMap object (`data.disable_network_policy`).
    public static func setting(inConfigMap configMap: JSONValue) -> Setting {
        guard let raw = configMap["data"]?[key] else { return .absent }
        if case .string(let text) = raw { return .value(text) }
        return .notAString(raw)
    }

    /// `a JSON boolean`, `a JSON number`, …: how a non-string value is named in messages.
    static func describeKind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The policy datapath a Terway shared-ENI cluster uses, from `eni-config`'s `10-terway.conf` (ACK-API.md §6.4).
public enum TerwayDatapath: String, Sendable {
    /// veth datapath: Calico Felix enforces policy (heavy beyond 100 nodes without Typha).
    case felix
    /// ipvlan / DataPathV2, or veth with the eBPF provider: Cilium enforces policy.
    case ebpf

    public static func of(configMap: JSONValue) -> TerwayDatapath? {
        guard let text = configMap["data"]?["10-terway.conf"]?.stringValue,
            case .object(let conf)? = try? JSONValue.parse(text)
        else { return nil }
        let virtualType = conf["eniip_virtual_type"]?.stringValue?.lowercased() ?? "veth"
        switch virtualType {
        case "ipvlan", "datapathv2": return .ebpf
        case "veth", "":
            return conf["network_policy_provider"]?.stringValue?.lowercased() == "ebpf" ? .ebpf : .felix
        default: return nil
        }
    }
}

/// The `NetworkPolicy` switch in a Terway add-on `config` (a JSON string with string values).
struct AddonPolicySetting: Sendable {
    /// `"true"` or `"false"` exactly; anything else says nothing.
    var networkPolicy: String?
    var source: String
    var rawConfig: JSONValue
    var problem: String?

    init(config: JSONValue?, source: String) {
        self.source = source
        rawConfig = config ?? .null
        let object: [String: JSONValue]?
        switch config {
        case .string(let text)?:
            if text.isEmpty {
                object = [:]
            } else if case .object(let parsed)? = try? JSONValue.parse(text) {
                object = parsed
            } else {
                object = nil
                problem = "the add-on config is not a JSON object"
            }
        case .object(let parsed)?: object = parsed
        case nil, .null?: object = [:]
        default:
            object = nil
            problem = "the add-on config is neither a JSON string nor an object"
        }
        if let value = object?["NetworkPolicy"] {
            if value == "true" || value == "false" {
                networkPolicy = value.stringValue
            } else {
                problem =
                    "NetworkPolicy has the unrecognised value \(value.serialized()) (expected \"true\" or \"false\")"
            }
        }
    }

    var evidence: JSONValue {
        var object: [String: JSONValue] = [
            "source": .string(source), "config": rawConfig,
            "NetworkPolicy": networkPolicy.map(JSONValue.string) ?? .null,
        ]
        if let problem { object["problem"] = .string(problem) }
        return .object(object)
    }
}
