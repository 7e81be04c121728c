public import Audit

/// Derives the replacement of a cluster whose plug-in cannot enforce NetworkPolicy: same region, Kubernetes version,
/// VPC, vSwitches, spec, service CIDR, security group, tags and node pools, with Terway shared ENI
/// (`terway-eniip`, `{"NetworkPolicy":"true"}`) and pod vSwitches (ACK-API.md §2.9, §7.1).
public enum ReplacementClusterBuilder {
    /// The tag that ties the replacement to the cluster it replaces.
    public static let replacesTag = "ackguard.replaces"
    /// The label that puts a node pool in exclusive ENI mode (no NetworkPolicy there): not carried over.
    static let exclusiveENILabel = NetworkPolicySupportRule.exclusiveENILabel

    /// - Parameters:
    ///   - detail: the `DescribeClusterDetail` body (or the listing item when the detail could not be read).
    ///   - nodePools: the `DescribeClusterNodePools` items; `nil` when they could not be read.
    ///   - podVSwitches: `--pod-vswitch`; empty puts a placeholder that `--apply` refuses.
    public static func plan(detail: JSONValue, nodePools: [JSONValue]?, podVSwitches: [String]) -> MigrationPlan {
        var notes: [String] = []
        func text(_ key: String) -> String? {
            guard let value = detail[key]?.scalarText, !value.isEmpty else { return nil }
            return value
        }
        let oldId = text("cluster_id") ?? ""
        let oldName = text("name") ?? oldId
        var body: [String: JSONValue] = [:]
        body["name"] = .string(replacementName(for: oldName))
        if let region = text("region_id") { body["region_id"] = .string(region) }
        body["cluster_type"] = "ManagedKubernetes"
        if text("cluster_type") == "Kubernetes" {
            notes.append(
                "the old cluster is an ACK dedicated cluster (cluster_type Kubernetes), which can no longer be "
                    + "created: the replacement is a managed cluster")
        }
        let profile = text("profile") ?? "Default"
        body["profile"] = .string(profile)
        if let spec = text("cluster_spec") {
            body["cluster_spec"] = .string(spec)
        } else {
            body["cluster_spec"] = "ack.pro.small"
            notes.append("the old cluster has no cluster_spec: ack.pro.small (ACK Pro) was chosen")
        }
        if let version = text("current_version") {
            body["kubernetes_version"] = .string(version)
            notes.append(
                "kubernetes_version is the old cluster's (\(version)); ACK creates only the versions it currently "
                    + "supports: pick one if CreateCluster refuses it")
        }
        if let vpc = text("vpc_id") { body["vpcid"] = .string(vpc) } else { notes.append("no vpc_id: set vpcid") }
        var vswitches = (detail["vswitch_ids"]?.arrayValue ?? []).compactMap(\.stringValue).filter { !$0.isEmpty }
        if vswitches.isEmpty, let single = text("vswitch_id") { vswitches = [single] }
        if vswitches.isEmpty { notes.append("no vSwitches found: set vswitch_ids") }
        body["vswitch_ids"] = .array(vswitches.map(JSONValue.string))
        let placeholder = podVSwitches.isEmpty
        let pods = placeholder ? [MigrationPlan.podVSwitchPlaceholder] : podVSwitches
        body["pod_vswitch_ids"] = .array(pods.map(JSONValue.string))
        if placeholder {
            notes.append(
                "pod_vswitch_ids is a placeholder: Terway gives pods addresses from dedicated vSwitches in the same "
                    + "zones; name them with --pod-vswitch")
        }
        if let cidr = text("service_cidr") { body["service_cidr"] = .string(cidr) }
        if let mode = text("proxy_mode") { body["proxy_mode"] = .string(mode) }
        if let stack = text("ip_stack") { body["ip_stack"] = .string(stack) }
        if let zone = text("timezone") { body["timezone"] = .string(zone) }
        if let group = text("resource_group_id") { body["resource_group_id"] = .string(group) }
        if let securityGroup = text("security_group_id") {
            body["security_group_id"] = .string(securityGroup)
        } else {
            body["is_enterprise_security_group"] = true
        }
        body["deletion_protection"] = .bool(detail["deletion_protection"]?.boolValue ?? false)
        var tags: [JSONValue] = []
        for tag in detail["tags"]?.arrayValue ?? [] {
            guard let key = tag["key"]?.scalarText, key != replacesTag else { continue }
            tags.append(["key": .string(key), "value": .string(tag["value"]?.scalarText ?? "")])
        }
        tags.append(["key": .string(replacesTag), "value": .string(oldId)])
        body["tags"] = .array(tags)
        body["addons"] = [["name": "terway-eniip", "config": .string(#"{"NetworkPolicy":"true"}"#)]]
        // The service's idempotency key: submitting the same replacement twice does not create two clusters.
        body["client_token"] = .string("ackguard-replace-" + oldId)
        if let nodePools {
            let pools = nodePools.compactMap { pool -> JSONValue? in
                replacementNodePool(pool, notes: &notes)
            }
            if !pools.isEmpty { body["nodepools"] = .array(pools) }
            if pools.isEmpty { notes.append("the old cluster has no node pools: the replacement has no worker nodes") }
        } else {
            notes.append("the node pools could not be read: add nodepools before submitting, or add them later")
        }
        let object = JSONValue.object(body)
        return MigrationPlan(
            createClusterBody: object, terraform: TerraformBlockRenderer.render(object, replacing: oldId),
            usesPlaceholderPodVSwitch: placeholder, notes: notes)
    }

    /// The old name with `-terway`, cut to the 63 characters a cluster name may have.
    static func replacementName(for name: String) -> String {
        let suffix = "-terway"
        let allowed = name.unicodeScalars.map { scalar -> Character in
            let ok =
                scalar.properties.isAlphabetic || (48...57).contains(scalar.value) || scalar == "-" || scalar == "_"
            return ok ? Character(scalar) : "-"
        }
        var base = String(allowed)
        while base.hasPrefix("-") { base.removeFirst() }
        if base.isEmpty { base = "cluster" }
        return String(base.prefix(63 - suffix.count)) + suffix
    }

    /// A node pool of the CreateCluster body from a DescribeClusterNodePools item.
    static func replacementNodePool(_ pool: JSONValue, notes: inout [String]) -> JSONValue? {
        guard let name = pool["nodepool_info"]?["name"]?.stringValue else { return nil }
        let scaling = pool["scaling_group"]
        var group: [String: JSONValue] = [:]
        for key in [
            "instance_types", "vswitch_ids", "desired_size", "system_disk_category", "system_disk_size",
            "instance_charge_type", "image_type", "image_id", "data_disks",
        ] {
            if let value = scaling?[key], !value.isNull { group[key] = value }
        }
        var kubernetes: [String: JSONValue] = [:]
        let config = pool["kubernetes_config"]
        for key in ["runtime", "runtime_version", "cpu_policy", "taints"] {
            if let value = config?[key], !value.isNull { kubernetes[key] = value }
        }
        var labels: [JSONValue] = []
        for label in config?["labels"]?.arrayValue ?? [] {
            if label["key"]?.stringValue == exclusiveENILabel {
                notes.append(
                    "node pool \(name): the label \(exclusiveENILabel) (exclusive ENI, no NetworkPolicy) is not "
                        + "carried over")
                continue
            }
            labels.append(label)
        }
        kubernetes["labels"] = .array(labels)
        return [
            "nodepool_info": ["name": .string(name)],
            "scaling_group": .object(group),
            "kubernetes_config": .object(kubernetes),
        ]
    }
}
