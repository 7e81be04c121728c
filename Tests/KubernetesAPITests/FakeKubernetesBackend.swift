import ACKEmulator
import Audit

/// An in-memory stand-in for the emulator state: clusters with object stores, faults, injected statuses, and
/// the requests seen.
actor FakeKubernetesBackend: KubernetesBackend {
    struct UnknownCluster: Error {}

    private var stores: [String: KubernetesObjectStore] = [:]
    private var faults: [String: KubernetesFault] = [:]
    private var injected: [String: Int] = [:]
    private(set) var requests: [String] = []

    func addCluster(_ clusterId: String, objects: [JSONValue]) {
        var store = KubernetesObjectStore()
        for object in objects { store.insert(object) }
        stores[clusterId] = store
    }

    func removeCluster(_ clusterId: String) { stores[clusterId] = nil }

    func setFault(_ fault: KubernetesFault, clusterId: String) { faults[clusterId] = fault }

    /// Answers `method` on `resource` with `code` until cleared with `nil`.
    func inject(_ code: Int?, method: String, resource: String) { injected["\(method) \(resource)"] = code }

    func clusterExists(_ clusterId: String) -> Bool { stores[clusterId] != nil }

    func kubernetesFault(clusterId: String) -> KubernetesFault { faults[clusterId] ?? KubernetesFault.none }

    func injectedKubernetesStatus(clusterId: String, method: String, resource: String) -> Int? {
        injected["\(method) \(resource)"]
    }

    func withKubernetesStore<T: Sendable>(
        clusterId: String, _ body: @Sendable (inout KubernetesObjectStore) throws -> T
    ) throws -> T {
        guard var store = stores[clusterId] else { throw UnknownCluster() }
        let result = try body(&store)
        stores[clusterId] = store
        return result
    }

    func recordRequest(_ api: String) { requests.append(api) }

    func object(clusterId: String, kind: String, name: String) -> JSONValue? {
        stores[clusterId]?.objects(kind: kind).first { $0["metadata"]?["name"]?.stringValue == name }
    }
}
