/// What one cluster looked like before ackguard's first write to it, and the writes made since.
public struct RollbackEntry: Sendable, Hashable, Codable {
    public struct AddonState: Sendable, Hashable, Codable {
        /// `terway-eniip`.
        public var name: String
        /// The add-on `config` string exactly as GetClusterAddonInstance returned it.
        public var priorConfig: String
        /// Its `NetworkPolicy` key.
        public var priorNetworkPolicy: PriorValue
        /// What ackguard sets `NetworkPolicy` to (`"true"`).
        public var afterNetworkPolicy: PriorValue

        public init(
            name: String, priorConfig: String, priorNetworkPolicy: PriorValue,
            afterNetworkPolicy: PriorValue = PriorValue("true")
        ) {
            self.name = name
            self.priorConfig = priorConfig
            self.priorNetworkPolicy = priorNetworkPolicy
            self.afterNetworkPolicy = afterNetworkPolicy
        }
    }

    public struct ConfigMapState: Sendable, Hashable, Codable {
        public var namespace: String
        public var name: String
        /// `disable_network_policy`.
        public var key: String
        public var prior: PriorValue
        /// What the patch that carries the proof leaves there: `"false"`, or the prior value when it already enabled
        /// policy (then only the proof annotation is written).
        public var after: PriorValue
        /// The resourceVersion the proof patch was guarded by (the one `prior` was read at).
        public var priorResourceVersion: String
        /// The resourceVersion after ackguard's last write to the ConfigMap, as read back. Not part of the digest:
        /// the API server assigns it in the very write that stores the digest. A rollback requires the ConfigMap to
        /// still be at this version (nobody changed it since).
        public var afterResourceVersion: String?

        public init(
            namespace: String, name: String, key: String, prior: PriorValue, after: PriorValue = PriorValue("false"),
            priorResourceVersion: String, afterResourceVersion: String? = nil
        ) {
            self.namespace = namespace
            self.name = name
            self.key = key
            self.prior = prior
            self.after = after
            self.priorResourceVersion = priorResourceVersion
            self.afterResourceVersion = afterResourceVersion
        }
    }

    public struct DaemonSetReference: Sendable, Hashable, Codable {
        public var namespace: String
        public var name: String

        public init(namespace: String, name: String) {
            self.namespace = namespace
            self.name = name
        }
    }

    public var clusterId: String
    public var clusterName: String
    public var regionId: String
    /// RFC 3339, when the prior state was recorded (before the first write).
    public var recordedAt: String
    public var addon: AddonState
    public var configMap: ConfigMapState
    public var daemonSet: DaemonSetReference
    /// The writes made to the cluster, in order (appended as they are made).
    public var writes: [WriteRecord]
    /// `sha256:<hex>` of the canonical record (``RollbackProof``), written on the cluster as an annotation of
    /// `kube-system/eni-config` in the same patch as the ConfigMap change; a rollback requires both to match.
    public var digest: String

    public init(
        clusterId: String, clusterName: String, regionId: String, recordedAt: String, addon: AddonState,
        configMap: ConfigMapState, daemonSet: DaemonSetReference, writes: [WriteRecord] = []
    ) {
        self.clusterId = clusterId
        self.clusterName = clusterName
        self.regionId = regionId
        self.recordedAt = recordedAt
        self.addon = addon
        self.configMap = configMap
        self.daemonSet = daemonSet
        self.writes = writes
        self.digest = ""
        self.digest = RollbackProof.digest(of: self)
    }
}
