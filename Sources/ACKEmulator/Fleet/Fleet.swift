import Audit

/// The clusters an emulator serves, with the regions it answers for.
public struct Fleet: Sendable, Hashable {
    public var clusters: [FleetCluster]
    /// Region ids answered by `DescribeRegions`, in order.
    public var regions: [String]

    public init(clusters: [FleetCluster], regions: [String]) {
        self.clusters = clusters
        self.regions = regions
    }

    /// The cluster with id `id`.
    public func cluster(id: String) -> FleetCluster? {
        clusters.first { $0.id == id }
    }

    /// The clusters generated to show `situation`.
    public func clusters(showing situation: FleetSituation) -> [FleetCluster] {
        clusters.filter { $0.situations.contains(situation) }
    }
}
