public import KubernetesAPI

/// How a live audit reads the account and its clusters.
public struct LiveCollectionOptions: Sendable {
    /// How the clusters' Kubernetes APIs are reached (layers 3 and 4).
    public enum KubernetesAccess: Sendable {
        /// Layers 3 and 4 are not read (`--no-kubernetes`).
        case none
        /// A short-lived kubeconfig per cluster from DescribeClusterUserKubeconfig, held in memory only.
        case temporaryKubeconfig(privateIP: Bool, minutes: Int)
        /// The user's own kubeconfig: a cluster uses the context whose server is the cluster's API server
        /// (`master_url`), or the context named like the cluster id; `context` limits the choice to one context.
        case kubeconfig(Kubeconfig, context: String?)

        var isNone: Bool {
            if case .none = self { return true }
            return false
        }
    }

    /// Regions to audit; `nil` asks DescribeRegions.
    public var regions: [String]?
    /// Clusters in progress at once: a bound on memory and open connections, not the pace. The pace of each CS API
    /// is its adaptive limiter's (slow start, then AIMD on throttling), so this only needs to be large enough to
    /// keep the limiters busy: the rate times one cluster's round trips (200 calls/s × ~0.3 s ≈ 60 at 100 ms).
    public var concurrency: Int
    public var kubernetes: KubernetesAccess
    /// Read namespaces, NetworkPolicies and pods (rule 2).
    public var readCoverage: Bool
    /// The most one cluster's Kubernetes reads may take, all calls together.
    public var clusterTimeout: Duration
    /// The deadline of one Kubernetes call.
    public var kubernetesCallTimeout: Duration
    public var pageSize: Int
    /// Keep the listing pages as read (``LiveCollectionResult/listingPages``), for writing them out. An audit that
    /// does not save them leaves this off: the listing then lives only as compact text until each cluster's turn.
    public var keepListingPages: Bool

    /// The whole run's time limit (`--max-duration`): without a ``deadline``, a collection ends this long after it
    /// starts.
    public var maxDuration: Duration?
    /// When the run must end (set it when several collections share one limit): a region not listed by then is
    /// reported as failed, and a cluster that still needs calls keeps only its listing and is reported UNKNOWN
    /// (`collection-failed`). `nil` with no ``maxDuration``: no limit but each call's.
    public var deadline: ContinuousClock.Instant?

    /// Sets ``maxDuration`` and a ``deadline`` that far from now.
    public mutating func limitDuration(to limit: Duration?) {
        maxDuration = limit
        deadline = limit.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// The default `concurrency`.
    public static let defaultConcurrency = 128

    public init(
        regions: [String]? = nil, concurrency: Int = LiveCollectionOptions.defaultConcurrency,
        kubernetes: KubernetesAccess = .temporaryKubeconfig(privateIP: false, minutes: 15), readCoverage: Bool = false,
        clusterTimeout: Duration = .seconds(30), kubernetesCallTimeout: Duration = .seconds(10), pageSize: Int = 50,
        keepListingPages: Bool = true
    ) {
        self.regions = regions
        self.concurrency = max(1, concurrency)
        self.kubernetes = kubernetes
        self.readCoverage = readCoverage
        self.clusterTimeout = clusterTimeout
        self.kubernetesCallTimeout = kubernetesCallTimeout
        self.pageSize = pageSize
        self.keepListingPages = keepListingPages
    }
}
