/// The CS operations the emulator answers, recognised from method and path (ACK-API.md §2).
enum CSRoute: Sendable, Equatable {
    case describeClustersV1
    case describeClusters
    case describeClustersForRegion(regionId: String)
    case createCluster
    case describeClusterDetail(clusterId: String)
    case listClusterAddonInstances(clusterId: String)
    case getClusterAddonInstance(clusterId: String, name: String)
    case describeClusterAddonInstance(clusterId: String, name: String)
    case modifyClusterAddon(clusterId: String, componentId: String)
    case describeClusterAddonsUpgradeStatus(clusterId: String)
    case describeClusterAddonUpgradeStatus(clusterId: String, componentId: String)
    case describeClusterUserKubeconfig(clusterId: String)
    case describeClusterNodePools(clusterId: String)
    case describeTaskInfo(taskId: String)
    case describeRegions
    /// STS `AssumeRole` (RPC style) on `/` or `/sts`.
    case assumeRole
    /// STS `GetCallerIdentity` (RPC style) on `/` or `/sts`.
    case getCallerIdentity

    /// An STS call: RPC-signed in its query, not an ACS3/ROA CS call.
    var isSTS: Bool { self == .assumeRole || self == .getCallerIdentity }

    /// The API action name, as the request log counts it.
    var action: String {
        switch self {
        case .describeClustersV1: "DescribeClustersV1"
        case .describeClusters: "DescribeClusters"
        case .describeClustersForRegion: "DescribeClustersForRegion"
        case .createCluster: "CreateCluster"
        case .describeClusterDetail: "DescribeClusterDetail"
        case .listClusterAddonInstances: "ListClusterAddonInstances"
        case .getClusterAddonInstance: "GetClusterAddonInstance"
        case .describeClusterAddonInstance: "DescribeClusterAddonInstance"
        case .modifyClusterAddon: "ModifyClusterAddon"
        case .describeClusterAddonsUpgradeStatus: "DescribeClusterAddonsUpgradeStatus"
        case .describeClusterAddonUpgradeStatus: "DescribeClusterAddonUpgradeStatus"
        case .describeClusterUserKubeconfig: "DescribeClusterUserKubeconfig"
        case .describeClusterNodePools: "DescribeClusterNodePools"
        case .describeTaskInfo: "DescribeTaskInfo"
        case .describeRegions: "DescribeRegions"
        case .assumeRole: "AssumeRole"
        case .getCallerIdentity: "GetCallerIdentity"
        }
    }

    /// The cluster the path names, if any.
    var clusterId: String? {
        switch self {
        case .describeClusterDetail(let id), .listClusterAddonInstances(let id), .getClusterAddonInstance(let id, _),
            .describeClusterAddonInstance(let id, _), .modifyClusterAddon(let id, _),
            .describeClusterAddonsUpgradeStatus(let id), .describeClusterAddonUpgradeStatus(let id, _),
            .describeClusterUserKubeconfig(let id), .describeClusterNodePools(let id):
            id
        default: nil
        }
    }

    static func match(method: String, segments: [String], query: [String: String]) -> CSRoute? {
        switch (method, segments.count) {
        case ("GET", 0), ("POST", 0):
            if query["Action"] == "GetCallerIdentity" { return .getCallerIdentity }
            return query["Action"] == "AssumeRole" ? .assumeRole : nil
        case ("GET", 1), ("POST", 1):
            if segments[0] == "sts" {
                if query["Action"] == "GetCallerIdentity" { return .getCallerIdentity }
                return query["Action"] == "AssumeRole" || method == "POST" ? .assumeRole : nil
            }
            if method == "GET" && segments[0] == "clusters" { return .describeClusters }
            if method == "GET" && segments[0] == "regions" { return .describeRegions }
            if method == "POST" && segments[0] == "clusters" { return .createCluster }
            return nil
        case ("GET", 2):
            if segments[0] == "clusters" { return .describeClusterDetail(clusterId: segments[1]) }
            if segments[0] == "tasks" { return .describeTaskInfo(taskId: segments[1]) }
            return nil
        case ("GET", 3):
            if segments == ["api", "v1", "clusters"] { return .describeClustersV1 }
            if segments[0] == "regions" && segments[2] == "clusters" {
                return .describeClustersForRegion(regionId: segments[1])
            }
            if segments[0] == "clusters" && segments[2] == "addon_instances" {
                return .listClusterAddonInstances(clusterId: segments[1])
            }
            if segments[0] == "clusters" && segments[2] == "nodepools" {
                return .describeClusterNodePools(clusterId: segments[1])
            }
            if segments[0] == "k8s" && segments[2] == "user_config" {
                return .describeClusterUserKubeconfig(clusterId: segments[1])
            }
            return nil
        case ("GET", 4):
            if segments[0] == "clusters" && segments[2] == "addon_instances" {
                return .getClusterAddonInstance(clusterId: segments[1], name: segments[3])
            }
            if segments[0] == "clusters" && segments[2] == "components" && segments[3] == "upgradestatus" {
                return .describeClusterAddonsUpgradeStatus(clusterId: segments[1])
            }
            return nil
        case ("GET", 5):
            guard segments[0] == "clusters", segments[2] == "components" else { return nil }
            if segments[4] == "instance" {
                return .describeClusterAddonInstance(clusterId: segments[1], name: segments[3])
            }
            if segments[4] == "upgradestatus" {
                return .describeClusterAddonUpgradeStatus(clusterId: segments[1], componentId: segments[3])
            }
            return nil
        case ("POST", 5):
            if segments[0] == "clusters" && segments[2] == "components" && segments[4] == "config" {
                return .modifyClusterAddon(clusterId: segments[1], componentId: segments[3])
            }
            return nil
        default:
            return nil
        }
    }
}
