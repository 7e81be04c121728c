import Audit

/// An add-on installed or configured by its own resource (`alicloud_cs_kubernetes_addon`, one entry of
/// `ALIYUN::CS::ClusterAddons`): its config overrides the cluster's own add-on config.
struct PlannedAddonResource: Sendable, Hashable {
    /// Which cluster the resource names.
    enum Target: Sendable, Hashable {
        /// The address of a resource in the same scope (`alicloud_cs_managed_kubernetes.k8s`, a ROS logical id).
        case address(String)
        /// A literal cluster id (a cluster not described by these files).
        case clusterId(String)
        /// The files do not say which cluster: `description` is the expression as written.
        case unknown(description: String, reason: String)
    }

    var scope: String
    /// `alicloud_cs_kubernetes_addon.policy`, or a ROS logical id.
    var address: String
    var resourceType: String
    var kind: IaCSourceKind
    var target: Target
    /// How reports name the entry: `alicloud_cs_kubernetes_addon.policy` or `Terway.Properties.Addons[0]`.
    var path: String
    var name: IaCValue
    var config: IaCValue?
    var location: SourceLocation
    var configLocation: SourceLocation?
    var nameLocation: SourceLocation?
    var configPath: String
    var notes: [String]
}
