import Audit

/// A value in infrastructure code as far as it can be known before apply: plain data, with `unknown` wherever a
/// value depends on something the files do not say (a resource attribute, a variable without a value, a function
/// ackguard does not evaluate, a value Terraform marks as known only after apply).
indirect enum IaCValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([IaCValue])
    case object([String: IaCValue])
    case unknown(IaCUnknown)

    static func unknown(_ reason: String, reference: String? = nil) -> IaCValue {
        .unknown(IaCUnknown(reason: reason, reference: reference))
    }

    /// An expression Terraform would reject (a missing attribute, a wrong argument type): unknown to ackguard, and
    /// what `try()` and `can()` skip.
    static func invalid(_ reason: String) -> IaCValue {
        .unknown(IaCUnknown(reason: reason, isError: true))
    }

    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .array(let items): self = .list(items.map(IaCValue.init))
        case .object(let members): self = .object(members.mapValues(IaCValue.init))
        }
    }

    /// The first unknown part, depth first (object members in key order), or `nil` when the value is fully known.
    var firstUnknown: IaCUnknown? {
        switch self {
        case .unknown(let unknown): return unknown
        case .list(let items):
            for item in items { if let unknown = item.firstUnknown { return unknown } }
            return nil
        case .object(let members):
            for key in members.keys.sorted() { if let unknown = members[key]!.firstUnknown { return unknown } }
            return nil
        default: return nil
        }
    }

    var isKnown: Bool { firstUnknown == nil }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as JSON when it is fully known.
    var json: JSONValue? {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .list(let items):
            var values: [JSONValue] = []
            for item in items {
                guard let value = item.json else { return nil }
                values.append(value)
            }
            return .array(values)
        case .object(let members):
            var values: [String: JSONValue] = [:]
            for (key, member) in members {
                guard let value = member.json else { return nil }
                values[key] = value
            }
            return .object(values)
        case .unknown: return nil
        }
    }

    /// A primitive as Terraform converts it to a string (numbers without `.0`, booleans as `true`/`false`).
    var stringValue: String? {
        switch self {
        case .string(let value): return value
        case .number(let value): return JSONValue.number(value).scalarText
        case .bool(let value): return value ? "true" : "false"
        default: return nil
        }
    }

    /// A primitive as Terraform converts it to a bool (`"true"` and `"false"` convert).
    var boolValue: Bool? {
        switch self {
        case .bool(let value): return value
        case .string("true"): return true
        case .string("false"): return false
        default: return nil
        }
    }

    var numberValue: Double? {
        switch self {
        case .number(let value): return value
        case .string(let text): return Double(text)
        default: return nil
        }
    }

    var listValue: [IaCValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    var objectValue: [String: IaCValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A short human rendering for messages (JSON when known).
    var display: String {
        if let json { return json.serialized() }
        if case .unknown(let unknown) = self { return "(unknown: \(unknown.reason))" }
        return "(partly unknown)"
    }
}

/// Why a value cannot be known before apply.
struct IaCUnknown: Sendable, Hashable {
    /// One line naming what is unknown, e.g. `var.network_policy has no value`.
    var reason: String
    /// The address of the resource whose attribute this is, when the value is a resource attribute
    /// (`alicloud_cs_managed_kubernetes.k8s.id` → `alicloud_cs_managed_kubernetes.k8s`): how an add-on resource is
    /// linked to its cluster.
    var reference: String?
    /// Terraform would report an error here (see `IaCValue.invalid`).
    var isError = false
}
