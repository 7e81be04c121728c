public import JSON

/// A cluster as `DescribeClustersV1` lists it or `DescribeClusterDetail` describes it (ACK-API.md §2.1, §2.4).
///
/// Tolerant by construction: it keeps the JSON object and reads fields on demand, so every field is optional,
/// a field of an unexpected type reads as `nil`, and unknown fields stay available through `json`.
public struct CSCluster: Sendable, Hashable, Codable {
    public let json: JSONValue
    /// `meta_data`, accepted as a JSON string (what the API sends) or as an object.
    public let metaData: JSONValue?

    public init(json: JSONValue) {
        self.json = json
        self.metaData = json.embeddedObject("meta_data")
    }

    public var clusterId: String? { json.text("cluster_id") }
    public var name: String? { json.text("name") }
    public var clusterType: String? { json.text("cluster_type") }
    public var clusterSpec: String? { json.text("cluster_spec") }
    public var profile: String? { json.text("profile") }
    public var regionId: String? { json.text("region_id") }
    public var zoneId: String? { json.text("zone_id") }
    public var state: String? { json.text("state") }
    public var currentVersion: String? { json.text("current_version") }
    public var initVersion: String? { json.text("init_version") }
    public var nextVersion: String? { json.text("next_version") }
    public var networkMode: String? { json.text("network_mode") }
    public var proxyMode: String? { json.text("proxy_mode") }
    public var ipStack: String? { json.text("ip_stack") }
    public var vpcId: String? { json.text("vpc_id") }
    public var vswitchId: String? { json.text("vswitch_id") }
    public var vswitchIds: [String]? { json.texts("vswitch_ids") }
    public var securityGroupId: String? { json.text("security_group_id") }
    public var containerCidr: String? { json.text("container_cidr") }
    public var serviceCidr: String? { json.text("service_cidr") }
    public var subnetCidr: String? { json.text("subnet_cidr") }
    public var nodeCidrMask: String? { json.text("node_cidr_mask") }
    public var resourceGroupId: String? { json.text("resource_group_id") }
    public var size: Int? { json.integer("size") }
    public var created: String? { json.text("created") }
    public var updated: String? { json.text("updated") }
    public var deletionProtection: Bool? { json.flag("deletion_protection") }
    public var privateZone: Bool? { json.flag("private_zone") }
    public var clusterDomain: String? { json.text("cluster_domain") }
    public var timezone: String? { json.text("timezone") }
    public var workerRamRoleName: String? { json.text("worker_ram_role_name") }
    public var externalLoadbalancerId: String? { json.text("external_loadbalancer_id") }
    public var dockerVersion: String? { json.text("docker_version") }
    /// `master_url`, itself JSON text such as `{"api_server_endpoint": …, "intranet_api_server_endpoint": …}`.
    public var masterURL: String? { json.text("master_url") }
    /// `master_url` parsed, when it holds a JSON object.
    public var masterURLValues: JSONValue? { json.embeddedObject("master_url") }
    public var tags: [CSTag]? { json["tags"]?.arrayValue?.map(CSTag.init(json:)) }
    /// `parameters` (DescribeClusterDetail only): the ROS stack parameters, values rendered as text.
    public var parameters: [String: String]? {
        json["parameters"]?.objectValue?.compactMapValues(\.scalarText)
    }
    public var maintenanceWindow: JSONValue? { json["maintenance_window"] }
    public var operationPolicy: JSONValue? { json["operation_policy"] }

    /// `meta_data.Addons`: the add-ons the cluster was created with.
    public var metaDataAddons: [CSMetaDataAddon] {
        (metaData?["Addons"]?.arrayValue ?? []).filter { $0.objectValue != nil }.map(CSMetaDataAddon.init(json:))
    }

    /// `meta_data.Capabilities`.
    public var capabilities: JSONValue? { metaData?["Capabilities"] }

    public init(from decoder: any Decoder) throws { self.init(json: try JSONValue(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
