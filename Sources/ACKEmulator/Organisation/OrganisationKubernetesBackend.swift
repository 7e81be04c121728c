/// The Kubernetes API server's backend when the emulator serves an organisation: each cluster's calls go to the
/// state of the account that owns it; the request log stays the management state's.
struct OrganisationKubernetesBackend: KubernetesBackend {
    let management: EmulatorState
    /// Member states in a fixed order, searched for clusters neither `owners` nor the management state know
    /// (created while serving).
    let members: [EmulatorState]
    /// The member state owning each generated member cluster.
    let owners: [String: EmulatorState]

    func owner(_ clusterId: String) async -> EmulatorState {
        if let owner = owners[clusterId] { return owner }
        if await management.cluster(clusterId) != nil { return management }
        for member in members where await member.cluster(clusterId) != nil {
            return member
        }
        return management
    }

    func clusterExists(_ clusterId: String) async -> Bool {
        await owner(clusterId).clusterExists(clusterId)
    }

    func kubernetesFault(clusterId: String) async -> KubernetesFault {
        await owner(clusterId).kubernetesFault(clusterId: clusterId)
    }

    func injectedKubernetesStatus(clusterId: String, method: String, resource: String) async -> Int? {
        await owner(clusterId).injectedKubernetesStatus(clusterId: clusterId, method: method, resource: resource)
    }

    func withKubernetesStore<T: Sendable>(
        clusterId: String, _ body: @Sendable (inout KubernetesObjectStore) throws -> T
    ) async throws -> T {
        try await owner(clusterId).withKubernetesStore(clusterId: clusterId, body)
    }

    func recordRequest(_ api: String) async {
        await management.recordRequest(api)
    }
}
