/// An HTTP status the Kubernetes API of one cluster answers to one method on one resource.
public struct KubernetesStatusInjection: Sendable, Hashable {
    /// The cluster id, or `*` for every cluster.
    public var clusterId: String
    /// `GET`, `PATCH`, … or `*`.
    public var method: String
    /// The plural resource name (`daemonsets`, `configmaps`, …) or `*`.
    public var resource: String
    public var status: Int

    public init(clusterId: String, method: String, resource: String, status: Int) {
        self.clusterId = clusterId
        self.method = method
        self.resource = resource
        self.status = status
    }

    func matches(clusterId: String, method: String, resource: String) -> Bool {
        (self.clusterId == "*" || self.clusterId == clusterId)
            && (self.method == "*" || self.method.uppercased() == method.uppercased())
            && (self.resource == "*" || self.resource == resource)
    }
}
