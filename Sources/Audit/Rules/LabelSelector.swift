/// A Kubernetes label selector (`matchLabels` and `matchExpressions`), evaluated exactly as the API server does:
/// all requirements must hold; an empty selector selects everything.
public struct LabelSelector: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    public struct Requirement: Sendable, Hashable {
        public var key: String
        public var `operator`: Operator?
        public var values: [String]
        /// The operator as written, when it is not one Kubernetes knows (such a selector selects nothing).
        public var unknownOperator: String?
    }

    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Decodes a selector object; `nil` or `{}` is the empty selector.
    public init(_ value: JSONValue?) {
        var labels: [String: String] = [:]
        for (key, item) in value?["matchLabels"]?.objectValue ?? [:] {
            labels[key] = item.scalarText ?? ""
        }
        var requirements: [Requirement] = []
        for expression in value?["matchExpressions"]?.arrayValue ?? [] {
            let text = expression["operator"]?.stringValue ?? ""
            requirements.append(
                Requirement(
                    key: expression["key"]?.stringValue ?? "",
                    operator: Operator(rawValue: text),
                    values: (expression["values"]?.arrayValue ?? []).compactMap(\.scalarText),
                    unknownOperator: Operator(rawValue: text) == nil ? text : nil))
        }
        self.init(matchLabels: labels, matchExpressions: requirements)
    }

    public var isEmpty: Bool { matchLabels.isEmpty && matchExpressions.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in matchExpressions {
            guard let op = requirement.operator else { return false }
            let present = labels[requirement.key]
            switch op {
            case .in:
                guard let present, requirement.values.contains(present) else { return false }
            case .notIn:
                if let present, requirement.values.contains(present) { return false }
            case .exists:
                if present == nil { return false }
            case .doesNotExist:
                if present != nil { return false }
            }
        }
        return true
    }
}
