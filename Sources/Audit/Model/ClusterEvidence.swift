/// One piece of evidence read (or not) from an API.
public enum Layer<Value: Sendable & Hashable>: Sendable, Hashable {
    /// Nobody looked (the file is not in the saved folder, or the live audit skipped it).
    case notCollected
    /// Read successfully.
    case read(Value, source: String)
    /// The API answered that the object does not exist (HTTP 404 / `AddonNotFound`).
    case notFound(source: String, detail: String)
    /// The API could not be asked or refused to answer (network error, timeout, 401, 403, 5xx).
    case failed(source: String, error: String)

    public var value: Value? {
        if case .read(let value, _) = self { return value }
        return nil
    }

    public var source: String? {
        switch self {
        case .notCollected: nil
        case .read(_, let source), .notFound(let source, _), .failed(let source, _): source
        }
    }
}

/// Evidence gathered for one cluster: layer 1 (record), layer 2 (add-on instances), layers 3 and 4 (Kubernetes).
public struct ClusterEvidence: Sendable, Hashable {
    public var record: ClusterRecord
    /// Add-on instances from GetClusterAddonInstance / DescribeClusterAddonInstance, by add-on name.
    public var addonInstances: [String: Layer<JSONValue>]
    /// `kube-system/eni-config` (a ConfigMap object).
    public var eniConfig: Layer<JSONValue>
    public var nodes: Layer<[JSONValue]>
    public var namespaces: Layer<[JSONValue]>
    public var networkPolicies: Layer<[JSONValue]>
    public var pods: Layer<[JSONValue]>
    /// Set when collecting this cluster failed as a whole (the CS API kept failing): the rule cannot decide.
    public var collectionError: String?

    public init(
        record: ClusterRecord, addonInstances: [String: Layer<JSONValue>] = [:],
        eniConfig: Layer<JSONValue> = .notCollected, nodes: Layer<[JSONValue]> = .notCollected,
        namespaces: Layer<[JSONValue]> = .notCollected, networkPolicies: Layer<[JSONValue]> = .notCollected,
        pods: Layer<[JSONValue]> = .notCollected, collectionError: String? = nil
    ) {
        self.record = record
        self.addonInstances = addonInstances
        self.eniConfig = eniConfig
        self.nodes = nodes
        self.namespaces = namespaces
        self.networkPolicies = networkPolicies
        self.pods = pods
        self.collectionError = collectionError
    }
}
