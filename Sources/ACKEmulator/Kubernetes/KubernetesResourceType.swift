/// A resource the emulated API server serves: its plural name, kind, group/version and scope.
struct KubernetesResourceType: Sendable, Hashable {
    /// The plural resource name used in paths, for example `configmaps`.
    let resource: String
    let kind: String
    /// The API group, empty for the core group.
    let group: String
    let version: String
    let namespaced: Bool

    /// `v1` or `apps/v1`.
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `/api/v1` or `/apis/apps/v1`.
    var prefix: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    static let all: [KubernetesResourceType] = [
        .init(resource: "configmaps", kind: "ConfigMap", group: "", version: "v1", namespaced: true),
        .init(resource: "namespaces", kind: "Namespace", group: "", version: "v1", namespaced: false),
        .init(resource: "nodes", kind: "Node", group: "", version: "v1", namespaced: false),
        .init(resource: "pods", kind: "Pod", group: "", version: "v1", namespaced: true),
        .init(
            resource: "networkpolicies", kind: "NetworkPolicy", group: "networking.k8s.io", version: "v1",
            namespaced: true),
        .init(resource: "daemonsets", kind: "DaemonSet", group: "apps", version: "v1", namespaced: true),
    ]

    static func byKind(_ kind: String) -> KubernetesResourceType? { all.first { $0.kind == kind } }

    static func find(prefix: String, resource: String) -> KubernetesResourceType? {
        all.first { $0.prefix == prefix && $0.resource == resource }
    }
}
