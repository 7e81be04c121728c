/// The faults of one emulator run. Randomness comes from the configuration's seed.
public struct FaultConfiguration: Sendable, Equatable {
    /// Applied to every CS API action without an entry in `perAPI`.
    public var all: APIFaults
    /// Per CS action (`DescribeClustersV1`, `GetClusterAddonInstance`, …), replacing `all` for that action.
    public var perAPI: [String: APIFaults]
    /// Kubernetes API faults per cluster id (override the fleet's own).
    public var kubernetes: [String: KubernetesFault]
    /// Clusters that disappear mid-scan: after this many calls naming them (CS calls with the id in the path and
    /// Kubernetes requests), they answer `ErrorClusterNotFound` and leave listings.
    public var disappearingClusters: [String: Int]
    /// Clusters deleted while their region is being listed: once this many listing pages of their region
    /// (`DescribeClustersV1`, `DescribeClustersForRegion`; a listing without a region filter counts for every
    /// region) have been answered, they are gone as above. Offset pagination then shifts the later pages, as on the
    /// real API: with 1, a cluster on page 1 vanishes before page 2 is read.
    public var disappearingAfterListings: [String: Int]
    /// Statuses the Kubernetes APIs answer per (cluster, method, resource), e.g. 500 for `PATCH daemonsets`.
    public var kubernetesStatuses: [KubernetesStatusInjection]
    /// Clusters whose add-on APIs answer `AddonNotFound` although the add-on is installed (and named in
    /// `meta_data`): `true` on both paths, `false` on `GetClusterAddonInstance` only (the deprecated
    /// `DescribeClusterAddonInstance` still answers). Sources that conflict, as RULE.md layer 2 describes.
    public var addonAPIDenies: [String: Bool] = [:]
    /// The most clusters a `DescribeClustersV1` page holds, whatever `page_size` asks (the page's `page_info`
    /// says the size applied): a gateway with a smaller maximum than the client expects. `nil`: up to 100.
    public var maxListingPageSize: Int?

    public init(
        all: APIFaults = .none,
        perAPI: [String: APIFaults] = [:],
        kubernetes: [String: KubernetesFault] = [:],
        disappearingClusters: [String: Int] = [:],
        kubernetesStatuses: [KubernetesStatusInjection] = [],
        disappearingAfterListings: [String: Int] = [:],
        maxListingPageSize: Int? = nil
    ) {
        self.all = all
        self.perAPI = perAPI
        self.kubernetes = kubernetes
        self.disappearingClusters = disappearingClusters
        self.kubernetesStatuses = kubernetesStatuses
        self.disappearingAfterListings = disappearingAfterListings
        self.maxListingPageSize = maxListingPageSize.map { max(1, $0) }
    }

    /// The faults for one action.
    public func faults(for action: String) -> APIFaults {
        perAPI[action] ?? all
    }
}
