import Audit

/// A JSON or YAML document with the position of every node, so findings can point into templates and plans.
struct SourceNode: Sendable, Hashable {
    struct Member: Sendable, Hashable {
        var key: String
        var keyPosition: SourcePosition
        var value: SourceNode
    }

    indirect enum Value: Sendable, Hashable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([SourceNode])
        case object([Member])
        /// A YAML node with an application tag (`!Ref Name`, `!GetAtt K8s.ClusterId`): an intrinsic function.
        case tagged(tag: String, SourceNode)
    }

    var value: Value
    var position: SourcePosition

    /// The last member named `key` (JSON: duplicate keys keep the last value).
    func member(_ key: String) -> Member? {
        guard case .object(let members) = value else { return nil }
        return members.last { $0.key == key }
    }

    subscript(key: String) -> SourceNode? { member(key)?.value }

    var members: [Member]? {
        if case .object(let members) = value { return members }
        return nil
    }

    var items: [SourceNode]? {
        if case .array(let items) = value { return items }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The document as plain JSON (tags dropped).
    var json: JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(\.json))
        case .object(let members):
            var object: [String: JSONValue] = [:]
            for member in members { object[member.key] = member.value.json }
            return .object(object)
        case .tagged(_, let node): return node.json
        }
    }
}
