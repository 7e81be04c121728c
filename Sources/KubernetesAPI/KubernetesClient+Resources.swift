public import Foundation
import JSON

extension KubernetesClient {
    public func configMap(namespace: String, name: String) async throws -> ConfigMap {
        try ConfigMap(json: try await get(KubernetesPath.configMap(namespace: namespace, name: name)))
    }

    public func configMaps(namespace: String) async throws -> KubernetesList<ConfigMap> {
        try KubernetesList(json: try await list(KubernetesPath.configMaps(namespace: namespace)))
    }

    public func namespaces() async throws -> KubernetesList<Namespace> {
        try KubernetesList(json: try await list(KubernetesPath.namespaces))
    }

    public func nodes() async throws -> KubernetesList<Node> {
        try KubernetesList(json: try await list(KubernetesPath.nodes))
    }

    /// All pods, or the pods of `namespace`.
    public func pods(namespace: String? = nil) async throws -> KubernetesList<Pod> {
        try KubernetesList(json: try await list(KubernetesPath.pods(namespace: namespace)))
    }

    /// All NetworkPolicies, or those of `namespace`.
    public func networkPolicies(namespace: String? = nil) async throws -> KubernetesList<NetworkPolicy> {
        try KubernetesList(json: try await list(KubernetesPath.networkPolicies(namespace: namespace)))
    }

    public func daemonSet(namespace: String, name: String) async throws -> DaemonSet {
        try DaemonSet(json: try await get(KubernetesPath.daemonSet(namespace: namespace, name: name)))
    }

    public func daemonSets(namespace: String) async throws -> KubernetesList<DaemonSet> {
        try KubernetesList(json: try await list(KubernetesPath.daemonSets(namespace: namespace)))
    }

    /// Sets (or, with `nil`, deletes) keys of a ConfigMap's `data` with a JSON merge patch; other keys are not
    /// touched. Returns the updated ConfigMap.
    public func patchConfigMapData(namespace: String, name: String, _ changes: [String: String?]) async throws
        -> ConfigMap
    {
        let data = JSONValue.object(changes.mapValues { $0.map(JSONValue.string) ?? .null })
        let patch: JSONValue = .object(["data": data])
        return try ConfigMap(
            json: try await mergePatch(KubernetesPath.configMap(namespace: namespace, name: name), patch))
    }

    /// `kubectl rollout restart daemonset`: sets the pod-template annotation `kubectl.kubernetes.io/restartedAt`
    /// with a strategic merge patch. Returns the updated DaemonSet.
    public func restartDaemonSet(namespace: String, name: String, at date: Date) async throws -> DaemonSet {
        let stamp = date.formatted(.iso8601)
        let patch: JSONValue = [
            "spec": ["template": ["metadata": ["annotations": ["kubectl.kubernetes.io/restartedAt": .string(stamp)]]]]
        ]
        return try DaemonSet(
            json: try await strategicMergePatch(KubernetesPath.daemonSet(namespace: namespace, name: name), patch))
    }
}
