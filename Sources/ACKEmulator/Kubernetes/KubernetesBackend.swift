/// What the Kubernetes API server needs from the emulator's state; ``EmulatorState`` provides it (through
/// ``EmulatorStateKubernetesBackend``); tests in this package may provide a double.
package protocol KubernetesBackend: Sendable {
    func clusterExists(_ clusterId: String) async -> Bool
    func kubernetesFault(clusterId: String) async -> KubernetesFault
    func injectedKubernetesStatus(clusterId: String, method: String, resource: String) async -> Int?
    func withKubernetesStore<T: Sendable>(
        clusterId: String, _ body: @Sendable (inout KubernetesObjectStore) throws -> T
    ) async throws -> T
    func recordRequest(_ api: String) async
}
