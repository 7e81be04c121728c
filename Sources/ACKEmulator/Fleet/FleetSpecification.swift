/// What to generate: how many clusters, from which seed, over which regions.
public struct FleetSpecification: Sendable, Hashable {
    /// Number of clusters. From 24 on, every primary situation of RULE.md appears at least once.
    public var clusterCount: Int
    public var seed: UInt64
    /// Regions the clusters are spread over (round-robin after a seeded shuffle).
    public var regions: [String]
    /// The Alibaba Cloud account id the clusters belong to.
    public var accountId: String

    public init(
        clusterCount: Int = 24,
        seed: UInt64 = 7,
        regions: [String] = FleetSpecification.demoRegions,
        accountId: String = "5000000000000001"
    ) {
        self.clusterCount = clusterCount
        self.seed = seed
        self.regions = regions
        self.accountId = accountId
    }

    /// Six regions: four in mainland China, Singapore and Frankfurt.
    public static let demoRegions = [
        "cn-hangzhou", "cn-beijing", "cn-shanghai", "cn-shenzhen", "ap-southeast-1", "eu-central-1",
    ]

    /// The default demo fleet: 24 clusters (one per primary situation) over six regions, seed 7.
    public static let demo = FleetSpecification()
}
