import Audit
import Foundation

/// Everything the emulator serves and remembers: clusters, add-ons, Kubernetes objects, tasks, STS credentials,
/// nonces, fault state and the request log. Both the CS server and the Kubernetes server read and change it.
public actor EmulatorState {
    // Fleet.
    var clusters: [String: FleetCluster]
    /// Cluster ids in listing order (newest first).
    var order: [String]
    var regions: [String]
    var stores: [String: KubernetesObjectStore]

    // Asynchronous work.
    var tasks: [String: TaskRecord] = [:]
    var addonTasks: [String: [String: AddonTask]] = [:]

    // Authentication.
    let accessKeys: [String: String]
    var temporaryCredentials: [String: TemporaryCredential] = [:]
    var nonces: [String: Date] = [:]

    // Faults and the request log.
    var faults: FaultConfiguration
    var random: SeededRandomNumberGenerator
    var buckets: [String: TokenBucket] = [:]
    var mentions: [String: Int] = [:]
    /// Listing pages answered so far per region (for `FaultConfiguration.disappearingAfterListings`).
    var listingAnswers: [String: Int] = [:]
    var counts: [String: Int] = [:]
    var throttled: [String: Int] = [:]

    // Addresses of the Kubernetes server (set once it listens).
    var kubernetesBaseURL = "https://127.0.0.1:6443"
    var refusingBaseURL = "https://127.0.0.1:1"

    let clock: @Sendable () -> Date
    let asynchronousSteps: Int
    let tolerance: TimeInterval
    let accountId: String

    // Organisation (management state only): the directory, member keys' accounts and the members' own states.
    let organisation: EmulatorOrganisation?
    let memberKeyAccounts: [String: String]
    var memberStates: [String: EmulatorState] = [:]

    public init(fleet: Fleet, configuration: EmulatorConfiguration = .demo()) {
        var clusters: [String: FleetCluster] = [:]
        var order: [String] = []
        var stores: [String: KubernetesObjectStore] = [:]
        for cluster in fleet.clusters where clusters[cluster.id] == nil {
            clusters[cluster.id] = cluster
            order.append(cluster.id)
            var store = KubernetesObjectStore()
            for object in cluster.kubernetesObjects {
                store.insert(object)
            }
            stores[cluster.id] = store
        }
        self.clusters = clusters
        self.order = order
        self.stores = stores
        self.regions = fleet.regions
        let memberKeys = (configuration.organisation?.members ?? []).flatMap { member in
            member.accessKeys.map { (key: $0, accountId: member.accountId) }
        }
        self.accessKeys = Dictionary(
            configuration.accessKeys.map { ($0.id, $0.secret) } + memberKeys.map { ($0.key.id, $0.key.secret) },
            uniquingKeysWith: { _, last in last })
        self.organisation = configuration.organisation
        self.memberKeyAccounts = Dictionary(
            memberKeys.map { ($0.key.id, $0.accountId) }, uniquingKeysWith: { _, last in last })
        self.faults = configuration.faults
        self.random = SeededRandomNumberGenerator(seed: configuration.seed)
        self.clock = configuration.clock
        self.asynchronousSteps = max(0, configuration.asynchronousSteps)
        self.tolerance = configuration.requestTimeTolerance
        self.accountId = configuration.accountId
    }

    /// Points `master_url` and kubeconfigs at the Kubernetes server (`https://host:port`), and clusters whose API
    /// refuses connections at `refusingBaseURL` (a closed port).
    public func setKubernetesEndpoints(baseURL: String, refusingBaseURL: String) {
        self.kubernetesBaseURL = baseURL
        self.refusingBaseURL = refusingBaseURL
    }

    // MARK: Used by the Kubernetes server

    /// Whether the cluster exists for its Kubernetes API: false for unknown, deleted or disappeared clusters.
    /// Each call counts as one mention of the cluster (see `FaultConfiguration.disappearingClusters`).
    public func clusterExists(_ clusterId: String) -> Bool {
        guard let cluster = clusters[clusterId] else { return false }
        if mention(clusterId) { return false }
        return cluster.detail["state"]?.stringValue != "deleted"
    }

    /// The cluster's Kubernetes API fault (configured faults override the fleet's).
    public func kubernetesFault(clusterId: String) -> KubernetesFault {
        faults.kubernetes[clusterId] ?? clusters[clusterId]?.kubernetesFault ?? .none
    }

    /// An injected HTTP status for a Kubernetes call (e.g. 500 for PATCH daemonsets), nil normally.
    public func injectedKubernetesStatus(clusterId: String, method: String, resource: String) -> Int? {
        if let injection = faults.kubernetesStatuses.first(where: {
            $0.matches(clusterId: clusterId, method: method, resource: resource)
        }) {
            return injection.status
        }
        if method.uppercased() == "GET", let status = clusters[clusterId]?.kubernetesReadStatuses[resource] {
            return status
        }
        return nil
    }

    /// Runs `body` on the cluster's Kubernetes objects.
    public func withKubernetesStore<T: Sendable>(
        clusterId: String,
        _ body: (inout KubernetesObjectStore) throws -> T
    ) throws -> T {
        guard var store = stores[clusterId] else { throw EmulatorStateError.unknownCluster(clusterId) }
        defer { stores[clusterId] = store }
        return try body(&store)
    }

    /// Counts one request in the request log. CS calls use the action name (`DescribeClustersV1`), Kubernetes calls
    /// `k8s:<METHOD> <resource>`.
    public func recordRequest(_ api: String) {
        counts[api, default: 0] += 1
    }

    // MARK: Request log and inspection

    /// Requests counted per API since start or the last reset.
    public func requestCounts() -> [String: Int] {
        counts
    }

    /// `Throttling.User` answers per CS action since start or the last reset (part of `requestCounts()`).
    public func throttledCounts() -> [String: Int] {
        throttled
    }

    public func resetRequestLog() {
        counts = [:]
        throttled = [:]
    }

    /// The current record of a cluster (as `DescribeClusterDetail` would show it, without `master_url`).
    public func cluster(_ clusterId: String) -> FleetCluster? {
        clusters[clusterId]
    }

    /// Cluster ids in listing order.
    public func clusterIds() -> [String] {
        order
    }

    /// Replaces the fault configuration (e.g. between test phases).
    public func setFaults(_ faults: FaultConfiguration) {
        self.faults = faults
        buckets = [:]
    }

    // MARK: Helpers

    /// Counts a mention of a disappearing cluster; true once it has disappeared.
    func mention(_ clusterId: String) -> Bool {
        if deletedByListings(clusterId) { return true }
        guard let limit = faults.disappearingClusters[clusterId] else { return false }
        mentions[clusterId, default: 0] += 1
        return mentions[clusterId, default: 0] > limit
    }

    /// Whether a disappearing cluster is already gone (without counting a mention).
    func hasDisappeared(_ clusterId: String) -> Bool {
        if deletedByListings(clusterId) { return true }
        guard let limit = faults.disappearingClusters[clusterId] else { return false }
        return mentions[clusterId, default: 0] >= limit
    }

    /// Whether the cluster was deleted after a number of listings (`FaultConfiguration.disappearingAfterListings`).
    func deletedByListings(_ clusterId: String) -> Bool {
        guard let limit = faults.disappearingAfterListings[clusterId] else { return false }
        let region = clusters[clusterId]?.detail["region_id"]?.stringValue ?? ""
        return listingAnswers[region, default: 0] >= limit
    }

    /// Counts one answered listing page for `region`, or for every region when the listing was not filtered.
    func countListing(region: String?) {
        if let region, !region.isEmpty {
            listingAnswers[region, default: 0] += 1
        } else {
            for region in regions { listingAnswers[region, default: 0] += 1 }
        }
    }

    func masterURL(_ clusterId: String) -> String {
        ClusterViews.masterURL(endpoint: serverURL(clusterId))
    }

    /// The cluster's Kubernetes API base URL (`https://127.0.0.1:PORT/clusters/<id>`).
    func serverURL(_ clusterId: String) -> String {
        let base = kubernetesFault(clusterId: clusterId) == .refuse ? refusingBaseURL : kubernetesBaseURL
        return "\(base)/clusters/\(clusterId)"
    }

    func newRequestId() -> String {
        random.requestId()
    }
}
