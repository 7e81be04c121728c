public import Audit

/// One emulated cluster: what the CS API answers about it and what its Kubernetes API holds.
///
/// The records are plain JSON shaped like the real service's responses (ACK-API.md §2), not client model types.
/// `master_url` is not stored: the emulator renders it at serve time, pointing at its own Kubernetes server.
public struct FleetCluster: Sendable, Hashable {
    /// The `DescribeClusterDetail` body (`GET /clusters/{id}`), including `meta_data` (a JSON string) and
    /// `parameters` when known.
    public var detail: JSONValue
    /// The cluster as a listing returned it, when it was loaded from a saved listing; `nil` for generated clusters
    /// (listings are then derived from `detail`).
    public var listItem: JSONValue?
    /// `GetClusterAddonInstance` bodies (`{"name","version","state","config","logging"}`), one per installed add-on.
    public var addons: [JSONValue]
    /// `DescribeClusterNodePools` items.
    public var nodePools: [JSONValue]
    /// Kubernetes objects (ConfigMap, Namespace, Node, Pod, NetworkPolicy, DaemonSet) served by the cluster's API.
    public var kubernetesObjects: [JSONValue]
    /// How the cluster's Kubernetes API misbehaves.
    public var kubernetesFault: KubernetesFault
    /// HTTP statuses answered to `GET` on a Kubernetes resource (plural, e.g. `nodes`) that could not be read when
    /// the evidence was saved.
    public var kubernetesReadStatuses: [String: Int]
    /// The RULE.md situations this cluster was generated to show (empty for loaded clusters).
    public var situations: Set<FleetSituation>

    public init(
        detail: JSONValue,
        listItem: JSONValue? = nil,
        addons: [JSONValue] = [],
        nodePools: [JSONValue] = [],
        kubernetesObjects: [JSONValue] = [],
        kubernetesFault: KubernetesFault = .none,
        kubernetesReadStatuses: [String: Int] = [:],
        situations: Set<FleetSituation> = []
    ) {
        self.detail = detail
        self.listItem = listItem
        self.addons = addons
        self.nodePools = nodePools
        self.kubernetesObjects = kubernetesObjects
        self.kubernetesFault = kubernetesFault
        self.kubernetesReadStatuses = kubernetesReadStatuses
        self.situations = situations
    }

    /// `cluster_id`.
    public var id: String { detail["cluster_id"]?.stringValue ?? listItem?["cluster_id"]?.stringValue ?? "" }

    /// `name`.
    public var name: String { detail["name"]?.stringValue ?? listItem?["name"]?.stringValue ?? "" }

    /// The add-on instance named `name`, if installed.
    public func addon(named name: String) -> JSONValue? {
        addons.first { $0["name"]?.stringValue == name }
    }

    /// Kubernetes objects of one kind, in stored order.
    public func kubernetesObjects(kind: String) -> [JSONValue] {
        kubernetesObjects.filter { $0["kind"]?.stringValue == kind }
    }
}
