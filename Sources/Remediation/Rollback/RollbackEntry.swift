/// What one cluster looked like before ackguard's first write to it, and the writes made since.
public struct RollbackEntry: Sendable, Hashable, Codable {
    public struct AddonState: Sendable, Hashable, Codable {
        /// `terway-eniip`.
        public var name: String
        /// The add-on `config` string exactly as GetClusterAddonInstance returned it.
        public var priorConfig: String
        /// Its `NetworkPolicy` key.
        public var priorNetworkPolicy: PriorValue

        public init(name: String, priorConfig: String, priorNetworkPolicy: PriorValue) {
            self.name = name
            self.priorConfig = priorConfig
            self.priorNetworkPolicy = priorNetworkPolicy
        }
    }

    public struct ConfigMapState: Sendable, Hashable, Codable {
        public var namespace: String
        public var name: String
        /// `disable_network_policy`.
        public var key: String
        public var prior: PriorValue
        public var priorResourceVersion: String

        public init(namespace: String, name: String, key: String, prior: PriorValue, priorResourceVersion: String) {
            self.namespace = namespace
            self.name = name
            self.key = key
            self.prior = prior
            self.priorResourceVersion = priorResourceVersion
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
    }
}
