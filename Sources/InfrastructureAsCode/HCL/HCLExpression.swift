import JSON

/// An HCL expression as written, with the position where it starts.
indirect enum HCLExpression: Sendable, Hashable {
    case literal(IaCValue, SourcePosition)
    case template([HCLTemplatePart], SourcePosition)
    /// A root name: `var`, `local`, `module`, a resource type, a `for` variable, …
    case variable(String, SourcePosition)
    case attribute(HCLExpression, String, SourcePosition)
    case index(HCLExpression, HCLExpression, SourcePosition)
    /// `x[*].a.b` / `x.*.a`: the steps apply to every element.
    case splat(HCLExpression, [HCLSplatStep], SourcePosition)
    case call(String, [HCLExpression], expandLast: Bool, SourcePosition)
    case tuple([HCLExpression], SourcePosition)
    case object([HCLObjectItem], SourcePosition)
    case conditional(HCLExpression, HCLExpression, HCLExpression, SourcePosition)
    case binary(String, HCLExpression, HCLExpression, SourcePosition)
    case unary(String, HCLExpression, SourcePosition)
    case forExpression(HCLForExpression, SourcePosition)
    case parenthesized(HCLExpression, SourcePosition)

    var position: SourcePosition {
        switch self {
        case .literal(_, let position), .template(_, let position), .variable(_, let position),
            .attribute(_, _, let position), .index(_, _, let position), .splat(_, _, let position),
            .call(_, _, _, let position), .tuple(_, let position), .object(_, let position),
            .conditional(_, _, _, let position), .binary(_, _, _, let position), .unary(_, _, let position),
            .forExpression(_, let position), .parenthesized(_, let position):
            return position
        }
    }

    /// The text of a reference (`var.x`, `local.a.b`, `alicloud_cs_managed_kubernetes.k8s.id`, `x[0]`), or `nil`
    /// for anything that is not a plain traversal.
    var traversalText: String? {
        switch self {
        case .variable(let name, _): return name
        case .attribute(let base, let name, _): return base.traversalText.map { "\($0).\(name)" }
        case .index(let base, let key, _):
            guard let text = base.traversalText else { return nil }
            if case .literal(let value, _) = key, let json = value.json { return "\(text)[\(json.serialized())]" }
            if case .template(let parts, _) = key, parts.count == 1, case .literal(let literal) = parts[0] {
                return "\(text)[\(IaCValue.string(literal).json!.serialized())]"
            }
            return "\(text)[…]"
        case .splat(let base, _, _): return base.traversalText.map { "\($0)[*]" }
        case .parenthesized(let inner, _): return inner.traversalText
        default: return nil
        }
    }

    /// The root name and the steps of a plain traversal.
    var traversal: (root: String, steps: [HCLTraversalStep])? {
        switch self {
        case .variable(let name, _): return (name, [])
        case .attribute(let base, let name, _):
            guard var traversal = base.traversal else { return nil }
            traversal.steps.append(.attribute(name))
            return traversal
        case .index(let base, let key, _):
            guard var traversal = base.traversal else { return nil }
            traversal.steps.append(.index(key))
            return traversal
        default: return nil
        }
    }
}

enum HCLTraversalStep: Sendable, Hashable {
    case attribute(String)
    case index(HCLExpression)
}

enum HCLSplatStep: Sendable, Hashable {
    case attribute(String)
    case index(HCLExpression)
}

struct HCLObjectItem: Sendable, Hashable {
    enum Key: Sendable, Hashable {
        /// A bare name: a literal key.
        case name(String)
        case expression(HCLExpression)
    }

    var key: Key
    var value: HCLExpression
}

/// `[for k, v in coll : value if cond]` or `{for k, v in coll : key => value... if cond}`.
struct HCLForExpression: Sendable, Hashable {
    var keyName: String?
    var valueName: String
    var collection: HCLExpression
    /// Set for the object form.
    var keyExpression: HCLExpression?
    var valueExpression: HCLExpression
    var grouping: Bool
    var condition: HCLExpression?
}

enum HCLTemplatePart: Sendable, Hashable {
    case literal(String)
    case interpolation(HCLExpression)
    /// `%{if …}`, `%{for …}`, … (not evaluated: the template becomes unknown).
    case directive(String, SourcePosition)
}
