/// ``EmulatorState`` as the Kubernetes API server's backend.
struct EmulatorStateKubernetesBackend: KubernetesBackend {
    let state: EmulatorState

    func clusterExists(_ clusterId: String) async -> Bool {
        await state.clusterExists(clusterId)
    }

    func kubernetesFault(clusterId: String) async -> KubernetesFault {
        await state.kubernetesFault(clusterId: clusterId)
    }

    func injectedKubernetesStatus(clusterId: String, method: String, resource: String) async -> Int? {
        await state.injectedKubernetesStatus(clusterId: clusterId, method: method, resource: resource)
    }

    func withKubernetesStore<T: Sendable>(
        clusterId: String, _ body: @Sendable (inout KubernetesObjectStore) throws -> T
    ) async throws -> T {
        try await state.withKubernetesStore(clusterId: clusterId, body)
    }

    func recordRequest(_ api: String) async {
        await state.recordRequest(api)
    }
}
