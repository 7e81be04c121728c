/// Layer 1: the cluster as the CS API describes it (listing, legacy listing or detail, merged).
public struct ClusterRecord: Sendable, Hashable {
    public var clusterId: String
    public var name: String
    public var regionId: String
    public var clusterType: String?
    public var profile: String?
    public var state: String?
    public var currentVersion: String?
    public var size: Int?
    public var masterURL: String?
    public var tags: [String: String]
    /// `meta_data`, decoded (the API sends a JSON string; saved files may hold an object).
    public var metaData: JSONValue?
    /// Why `meta_data` could not be decoded, when it could not.
    public var metaDataProblem: String?
    /// `parameters` (DescribeClusterDetail, legacy listing): ROS stack parameters.
    public var parameters: [String: String]?
    /// The account the cluster belongs to, when the record says (`parameters["ALIYUN::AccountId"]`).
    public var accountId: String?
    /// The account's name (a Resource Directory member's display name), when the run knows it.
    public var accountName: String?
    /// Where the record came from, e.g. `clusters.json` or `GET /api/v1/clusters`.
    public var sources: [String]
    /// The record as received (merged when several sources described the cluster).
    public var raw: JSONValue

    public init(
        clusterId: String, name: String = "", regionId: String = "", clusterType: String? = nil,
        profile: String? = nil, state: String? = nil, currentVersion: String? = nil, size: Int? = nil,
        masterURL: String? = nil, tags: [String: String] = [:], metaData: JSONValue? = nil,
        metaDataProblem: String? = nil, parameters: [String: String]? = nil, accountId: String? = nil,
        sources: [String] = [], raw: JSONValue = .object([:])
    ) {
        self.clusterId = clusterId
        self.name = name
        self.regionId = regionId
        self.clusterType = clusterType
        self.profile = profile
        self.state = state
        self.currentVersion = currentVersion
        self.size = size
        self.masterURL = masterURL
        self.tags = tags
        self.metaData = metaData
        self.metaDataProblem = metaDataProblem
        self.parameters = parameters
        self.accountId = accountId
        self.sources = sources
        self.raw = raw
    }
}
