public import JSON

/// An `apps/v1` DaemonSet (what a rollout restart needs).
public struct DaemonSet: KubernetesResource, Hashable {
    public struct Spec: Sendable, Hashable, Codable {
        public struct Template: Sendable, Hashable, Codable {
            public var metadata: TemplateMetadata?
        }

        public struct TemplateMetadata: Sendable, Hashable, Codable {
            public var labels: [String: String]?
            public var annotations: [String: String]?
        }

        public var selector: KubernetesLabelSelector?
        public var template: Template?
    }

    public struct Status: Sendable, Hashable, Codable {
        public var desiredNumberScheduled: Int?
        public var currentNumberScheduled: Int?
        public var updatedNumberScheduled: Int?
        public var numberReady: Int?
        public var numberAvailable: Int?
        public var numberUnavailable: Int?
        public var observedGeneration: Int?
    }

    public static let kind = "DaemonSet"
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?
    public var raw: JSONValue = .null

    enum CodingKeys: String, CodingKey { case metadata, spec, status }

    /// `kubectl rollout status` for a DaemonSet: the controller saw the latest generation and every scheduled pod
    /// is updated and available.
    public var isRolledOut: Bool {
        guard let status, let generation = metadata.generation else { return false }
        let desired = status.desiredNumberScheduled ?? 0
        return (status.observedGeneration ?? 0) >= generation && (status.updatedNumberScheduled ?? 0) >= desired
            && (status.numberAvailable ?? 0) >= desired
    }
}
