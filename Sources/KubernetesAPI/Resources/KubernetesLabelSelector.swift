/// A `metav1.KubernetesLabelSelector` (`matchLabels` and `matchExpressions`).
public struct KubernetesLabelSelector: Sendable, Hashable, Codable {
    /// One `matchExpressions` entry; `operator` is `In`, `NotIn`, `Exists` or `DoesNotExist`.
    public struct Requirement: Sendable, Hashable, Codable {
        public var key: String
        public var `operator`: String
        public var values: [String]?

        public init(key: String, operator: String, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }

    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// `{}`: selects everything.
    public var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }
}
