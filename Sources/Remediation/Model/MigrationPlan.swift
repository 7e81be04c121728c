public import Audit

/// How a cluster whose plug-in cannot enforce NetworkPolicy (Flannel, exclusive ENI only) is replaced: a
/// CreateCluster body derived from the existing cluster, and the same cluster as Terraform. The existing cluster is
/// never changed and never deleted.
public struct MigrationPlan: Sendable, Hashable {
    /// The `POST /clusters` body.
    public var createClusterBody: JSONValue
    /// The equivalent `alicloud_cs_managed_kubernetes` block (and node pools).
    public var terraform: String
    /// True when `pod_vswitch_ids` holds the placeholder (no `--pod-vswitch` given): `--apply` refuses to submit.
    public var usesPlaceholderPodVSwitch: Bool
    /// What the derivation could not carry over, or changed on purpose (one line each).
    public var notes: [String]

    /// What stands in for the pod vSwitches until the user names them.
    public static let podVSwitchPlaceholder = "<POD_VSWITCH_ID>"

    public init(createClusterBody: JSONValue, terraform: String, usesPlaceholderPodVSwitch: Bool, notes: [String]) {
        self.createClusterBody = createClusterBody
        self.terraform = terraform
        self.usesPlaceholderPodVSwitch = usesPlaceholderPodVSwitch
        self.notes = notes
    }
}
