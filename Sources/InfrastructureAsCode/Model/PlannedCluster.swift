import Audit

/// A cluster resource as the configuration asks for it.
struct PlannedCluster: Sendable, Hashable {
    /// Add-on resources are linked only to clusters of the same scope (one Terraform root module, one plan file,
    /// one ROS template).
    var scope: String
    /// `alicloud_cs_managed_kubernetes.k8s`, `module.net.alicloud_cs_managed_kubernetes.k8s`, a ROS logical id.
    var address: String
    var resourceType: String
    var kind: IaCSourceKind
    /// Why the rule does not apply (a serverless cluster type or profile), when it does not.
    var serverlessReason: String?
    /// The `name` attribute (`Properties.Name`) when literal.
    var name: String?
    /// The provider region when literal.
    var region: String?
    /// The resource block (the resource's key in a template or plan).
    var location: SourceLocation
    var addons: [PlannedAddon]
    var unknownAddons: [UnknownAddons]
    /// Attributes that hint at the plug-in when no add-on names it (`pod_cidr` = Flannel, `pod_vswitch_ids` =
    /// Terway), for the message.
    var hints: [String]
    /// What the reader noticed about the resource (`count`, `for_each`, ROS `Condition`).
    var notes: [String]
    /// The cluster id when the input knows it (a plan of an existing cluster), to link add-on resources by id.
    var knownClusterId: String?
}
