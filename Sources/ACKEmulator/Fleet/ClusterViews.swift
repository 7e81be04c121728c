import Audit

/// The shapes one cluster takes in the different CS responses (ACK-API.md §2.1–2.4).
enum ClusterViews {
    /// `DescribeClustersV1` item keys (§2.1).
    static let v1Keys: Set<String> = [
        "cluster_domain", "cluster_id", "cluster_spec", "cluster_type", "container_cidr", "created",
        "current_version", "deletion_protection", "docker_version", "external_loadbalancer_id", "init_version",
        "ip_stack", "maintenance_window", "master_url", "meta_data", "name", "network_mode", "next_version",
        "operation_policy", "private_zone", "profile", "proxy_mode", "region_id", "resource_group_id",
        "security_group_id", "service_cidr", "size", "state", "subnet_cidr", "tags", "timezone", "updated", "vpc_id",
        "vswitch_id", "vswitch_ids", "worker_ram_role_name", "zone_id",
    ]

    /// Legacy `DescribeClusters` item keys (§2.2), plus `cluster_spec` and `parameters` as the CLI output in the
    /// rule article shows them.
    static let legacyKeys: Set<String> = [
        "cluster_id", "cluster_spec", "cluster_type", "created", "current_version", "data_disk_category",
        "data_disk_size", "deletion_protection", "docker_version", "external_loadbalancer_id", "init_version",
        "master_url", "meta_data", "name", "network_mode", "parameters", "private_zone", "profile", "region_id",
        "resource_group_id", "security_group_id", "size", "state", "subnet_cidr", "tags", "updated", "vpc_id",
        "vswitch_cidr", "vswitch_id", "worker_ram_role_name", "zone_id",
    ]

    /// `DescribeClustersForRegion` item keys (§2.3): no `meta_data`, no `parameters`.
    static let regionKeys: Set<String> = [
        "cluster_domain", "cluster_id", "cluster_spec", "cluster_type", "container_cidr", "created",
        "current_version", "deletion_protection", "init_version", "ip_stack", "name", "next_version", "profile",
        "proxy_mode", "region_id", "resource_group_id", "security_group_id", "service_cidr", "size", "state", "tags",
        "timezone", "updated", "vpc_id", "vswitch_ids",
    ]

    /// The `master_url` JSON string.
    static func masterURL(endpoint: String) -> String {
        JSONText.string(["api_server_endpoint": .string(endpoint), "intranet_api_server_endpoint": .string(endpoint)])
    }

    /// Everything known about the cluster: the detail, completed by keys only the listing carried.
    static func merged(_ cluster: FleetCluster) -> [String: JSONValue] {
        var fields = cluster.detail.objectValue ?? [:]
        for (key, value) in cluster.listItem?.objectValue ?? [:] where fields[key] == nil {
            fields[key] = value
        }
        return fields
    }

    static func detail(_ cluster: FleetCluster, masterURL: String) -> JSONValue {
        var fields = merged(cluster)
        fields["master_url"] = .string(masterURL)
        return .object(fields)
    }

    static func v1Item(_ cluster: FleetCluster, masterURL: String) -> JSONValue {
        let listed = Set((cluster.listItem?.objectValue ?? [:]).keys).subtracting(["parameters"])
        var fields = merged(cluster).filter { v1Keys.contains($0.key) || listed.contains($0.key) }
        fields["master_url"] = .string(masterURL)
        return .object(fields)
    }

    static func legacyItem(_ cluster: FleetCluster, masterURL: String) -> JSONValue {
        var fields = merged(cluster).filter { legacyKeys.contains($0.key) }
        fields["master_url"] = .string(masterURL)
        if fields["data_disk_category"] == nil { fields["data_disk_category"] = "cloud_essd" }
        if fields["data_disk_size"] == nil { fields["data_disk_size"] = 0 }
        if fields["vswitch_cidr"] == nil { fields["vswitch_cidr"] = "" }
        return .object(fields)
    }

    static func regionItem(_ cluster: FleetCluster) -> JSONValue {
        .object(merged(cluster).filter { regionKeys.contains($0.key) })
    }
}
