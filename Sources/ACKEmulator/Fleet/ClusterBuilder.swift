import Audit
import Foundation

/// Turns a `ClusterBlueprint` into the records the emulator serves: the cluster detail (with `meta_data` and
/// `parameters`), add-on instances, node pools and Kubernetes objects.
struct ClusterBuilder {
    var random: SeededRandomNumberGenerator

    static let exclusiveENILabel = "k8s.aliyun.com/exclusive-mode-eni-type"

    init(random: SeededRandomNumberGenerator) {
        self.random = random
    }

    // MARK: Add-ons

    struct Addon {
        var name: String
        var version: String
        var config: String
        var isNetwork: Bool
    }

    static func configText(_ config: [String: String]) -> String {
        config.isEmpty ? "" : JSONText.string(.object(config.mapValues(JSONValue.string)))
    }

    static func networkAddons(_ blueprint: ClusterBlueprint, config: [String: String]) -> [Addon] {
        switch blueprint.plugin {
        case .flannel, .flannelAddonOnly:
            return [
                Addon(
                    name: "flannel", version: "v0.15.1.22-20a397e6-aliyun", config: configText(config), isNetwork: true)
            ]
        case .terwayENIIP:
            return [
                Addon(name: "terway-eniip", version: "v1.9.6", config: configText(config), isNetwork: true),
                Addon(
                    name: "terway-controlplane", version: "v1.9.6", config: configText(["ENITrunking": "true"]),
                    isNetwork: false),
            ]
        case .terwayENI:
            return [Addon(name: "terway-eni", version: "v1.2.6", config: configText(config), isNetwork: true)]
        case .none, .unidentified:
            return []
        }
    }

    static func commonAddons(_ blueprint: ClusterBlueprint) -> [Addon] {
        if blueprint.clusterType == "ExternalKubernetes" {
            return [Addon(name: "ack-cluster-agent", version: "v1.16.1.1", config: "", isNetwork: false)]
        }
        var addons = [
            Addon(name: "coredns", version: "v1.11.3.2-f57ea7ed-aliyun", config: "", isNetwork: false),
            Addon(name: "metrics-server", version: "v0.3.9.4-ff225cd-aliyun", config: "", isNetwork: false),
        ]
        if blueprint.profile == "Serverless" || blueprint.clusterType == "Ask" {
            addons.append(Addon(name: "poseidon", version: "v0.5.4", config: "", isNetwork: false))
        } else {
            addons += [
                Addon(name: "managed-kube-proxy", version: "v" + blueprint.version, config: "", isNetwork: false),
                Addon(name: "csi-plugin", version: "v1.30.3-921e63a-aliyun", config: "", isNetwork: false),
                Addon(name: "csi-provisioner", version: "v1.30.3-921e63a-aliyun", config: "", isNetwork: false),
            ]
        }
        return addons
    }

    static func addonInstance(_ addon: Addon, state: String = "active") -> JSONValue {
        [
            "name": .string(addon.name),
            "version": .string(addon.version),
            "state": .string(state),
            "config": .string(addon.config),
            "logging": ["capable": false, "enabled": false, "log_project": "", "logstore": ""],
        ]
    }

    // MARK: Build

    mutating func build(_ blueprint: ClusterBlueprint) -> FleetCluster {
        let vpcId = "vpc-" + random.alphanumeric(21)
        let vswitchIds = ["vsw-" + random.alphanumeric(21), "vsw-" + random.alphanumeric(21)]
        let podVswitchId = "vsw-" + random.alphanumeric(21)
        let securityGroupId = "sg-" + random.alphanumeric(20)
        let resourceGroupId = "rg-acfm" + random.alphanumeric(11)
        let loadBalancerId = "lb-" + random.alphanumeric(21)
        let workerRole = "KubernetesWorkerRole-" + random.hex(8) + "-" + random.hex(4) + "-" + random.hex(4)
        let updated = blueprint.created.addingTimeInterval(Double(600 + random.next() % 86_400))

        let addons =
            Self.networkAddons(blueprint, config: blueprint.addonConfig) + Self.commonAddons(blueprint)
            + blueprint.extraAddons.map { Addon(name: $0.name, version: "", config: $0.config, isNetwork: false) }
        let metaDataAddons =
            Self.networkAddons(blueprint, config: blueprint.metaDataAddonConfig ?? blueprint.addonConfig)
            + Self.commonAddons(blueprint)
            + blueprint.extraAddons.map { Addon(name: $0.name, version: "", config: $0.config, isNetwork: false) }

        let metaData = Self.metaData(blueprint, addons: metaDataAddons)
        let isFlannel = blueprint.plugin == .flannel || blueprint.plugin == .flannelAddonOnly
        let parameters = Self.parameters(
            blueprint, isFlannel: isFlannel, vswitchIds: vswitchIds, podVswitchId: podVswitchId,
            securityGroupId: securityGroupId)

        let nodeTotal = blueprint.profile == "Serverless" || blueprint.clusterType == "Ask" ? 0 : blueprint.nodeCount
        var detail: [String: JSONValue] = [
            "auto_mode": ["enable": false],
            "cluster_domain": "cluster.local",
            "cluster_id": .string(blueprint.id),
            "cluster_spec": .string(blueprint.clusterSpec),
            "cluster_type": .string(blueprint.clusterType),
            "container_cidr": .string(isFlannel ? blueprint.containerCIDR : ""),
            "created": .string(EmulatorDates.chinaStandardTime(blueprint.created)),
            "current_version": .string(blueprint.version),
            "deletion_protection": .bool(blueprint.deletionProtection),
            "docker_version": "",
            "external_loadbalancer_id": .string(loadBalancerId),
            "extra_sans": [],
            "init_version": .string(blueprint.version),
            "ip_stack": "ipv4",
            "maintenance_window": [
                "duration": "3h", "enable": false, "maintenance_time": "", "recurrence": "", "weekly_period": "",
            ],
            "meta_data": .string(JSONText.string(metaData)),
            "name": .string(blueprint.name),
            "network_mode": "vpc",
            "next_version": "",
            "node_cidr_mask": .string(isFlannel ? "26" : ""),
            "operation_policy": ["cluster_auto_upgrade": ["channel": "stable", "enabled": false]],
            "parameters": .object(parameters.mapValues(JSONValue.string)),
            "private_zone": false,
            "profile": .string(blueprint.profile),
            "proxy_mode": "ipvs",
            "region_id": .string(blueprint.regionId),
            "resource_group_id": .string(resourceGroupId),
            "rrsa_config": [
                "audience": "", "enabled": false, "issuer": "", "jwks_url": "", "max_oidc_token_expiration": "",
                "oidc_arn": "", "oidc_name": "", "open_api_configuration_url": "",
            ],
            "security_group_id": .string(securityGroupId),
            "service_cidr": .string(blueprint.serviceCIDR),
            "size": .number(Double(nodeTotal)),
            "state": .string(blueprint.state),
            "subnet_cidr": .string(isFlannel ? blueprint.containerCIDR : ""),
            "tags": .array(
                blueprint.tags.keys.sorted().map { ["key": .string($0), "value": .string(blueprint.tags[$0] ?? "")] }),
            "timezone": "Asia/Shanghai",
            "updated": .string(EmulatorDates.chinaStandardTime(updated)),
            "vpc_id": .string(vpcId),
            "vswitch_id": .string(vswitchIds[0]),
            "vswitch_ids": .array(vswitchIds.map(JSONValue.string)),
            "worker_ram_role_name": .string(workerRole),
            "zone_id": .string(blueprint.zoneId),
        ]
        if blueprint.clusterType == "ExternalKubernetes" {
            detail["vpc_id"] = ""
            detail["vswitch_id"] = ""
            detail["vswitch_ids"] = []
            detail["security_group_id"] = ""
            detail["external_loadbalancer_id"] = ""
        }

        let nodePoolId = "np" + random.hex(32)
        let exclusivePoolId = "np" + random.hex(32)
        let nodePools = Self.nodePools(
            blueprint, nodePoolId: nodePoolId, exclusivePoolId: exclusivePoolId, resourceGroupId: resourceGroupId,
            vswitchIds: vswitchIds, securityGroupId: securityGroupId, updated: updated)

        var situations = blueprint.situations
        let objects = kubernetesObjects(
            blueprint, nodePoolId: nodePoolId, exclusivePoolId: exclusivePoolId, vswitchId: podVswitchId,
            securityGroupId: securityGroupId, situations: &situations)

        return FleetCluster(
            detail: .object(detail),
            addons: addons.map { Self.addonInstance($0) },
            nodePools: nodePools,
            kubernetesObjects: objects,
            kubernetesFault: blueprint.kubernetesFault,
            situations: situations)
    }

    static func metaData(_ blueprint: ClusterBlueprint, addons: [Addon]) -> JSONValue {
        var list: [JSONValue] = []
        for addon in addons {
            if addon.isNetwork {
                list.append([
                    "name": .string(addon.name), "version": .string(addon.version), "disabled": false,
                    "required": "", "config": .string(addon.config),
                ])
                if blueprint.plugin == .flannel {
                    list.append([
                        "name": "kube-flannel-ds", "version": .string(addon.version), "disabled": false,
                        "required": "", "config": "",
                    ])
                }
            } else {
                list.append(["name": .string(addon.name), "version": .string(addon.version)])
            }
        }
        var capabilities: [String: JSONValue] = ["AnyAZ": true, "CSI": true, "ProxyMode": "ipvs"]
        if blueprint.plugin == .flannel || blueprint.plugin == .flannelAddonOnly {
            capabilities["Network"] = "Flannel"
            capabilities["NodeCIDRMask"] = "26"
        }
        var metaData: [String: JSONValue] = [
            "Addons": .array(list),
            "AuditProjectName": "",
            "Capabilities": .object(capabilities),
            "EtcdVersion": "v3.5.9",
            "ExtraCertSAN": nil,
            "IPStack": "ipv4",
            "KubernetesVersion": .string(blueprint.version),
            "MultiAZ": false,
            "OSType": "Linux",
            "Platform": "AliyunLinux",
            "RRSAConfig": ["enabled": false],
            "Runtime": "containerd",
            "RuntimeVersion": "1.6.28",
            "ServiceCIDR": .string(blueprint.serviceCIDR),
            "SubClass": "default",
            "VpcCidr": "172.16.0.0/12",
        ]
        if blueprint.clusterType == "ExternalKubernetes" {
            metaData = ["Addons": .array(list), "Capabilities": [:], "KubernetesVersion": .string(blueprint.version)]
        }
        return .object(metaData)
    }

    static func parameters(
        _ blueprint: ClusterBlueprint,
        isFlannel: Bool,
        vswitchIds: [String],
        podVswitchId: String,
        securityGroupId: String
    ) -> [String: String] {
        var parameters = [
            "ALIYUN::AccountId": blueprint.accountId,
            "ALIYUN::NoValue": "None",
            "ALIYUN::Region": blueprint.regionId,
            "ALIYUN::StackName": "k8s-for-cs-" + blueprint.id,
            "ALIYUN::TenantId": blueprint.accountId,
            "ClusterId": blueprint.id,
            "IPStack": "ipv4",
            "KubernetesVersion": blueprint.version,
            "NodeNameMode": "nodeip",
            "NumOfNodes": "0",
            "OSType": "Linux",
            "Password": "******",
            "ProxyMode": "ipvs",
            "SNatEntry": "False",
            "ServiceCIDR": blueprint.serviceCIDR,
            "WorkerInstanceTypes": blueprint.instanceType,
            "WorkerSystemDiskCategory": "cloud_essd",
            "WorkerSystemDiskSize": "120",
        ]
        switch blueprint.plugin {
        case .flannel, .flannelAddonOnly:
            parameters["Network"] = "Flannel"
            parameters["ContainerCIDR"] = blueprint.containerCIDR
        case .terwayENIIP:
            parameters["Network"] = "terway-eniip"
            parameters["ContainerCIDR"] = ""
            parameters["PodVswitchIds"] = JSONText.string(.array([.string(podVswitchId)]))
        case .terwayENI:
            parameters["Network"] = "terway-eni"
            parameters["ContainerCIDR"] = ""
            parameters["PodVswitchIds"] = JSONText.string(.array([.string(podVswitchId)]))
        case .none, .unidentified:
            parameters["ContainerCIDR"] = ""
        }
        if blueprint.clusterType == "ExternalKubernetes" {
            return [
                "ALIYUN::AccountId": blueprint.accountId, "ALIYUN::Region": blueprint.regionId,
                "ClusterId": blueprint.id, "KubernetesVersion": blueprint.version,
            ]
        }
        if blueprint.profile == "Serverless" || blueprint.clusterType == "Ask" {
            parameters["WorkerInstanceTypes"] = nil
            parameters["WorkerSystemDiskCategory"] = nil
            parameters["WorkerSystemDiskSize"] = nil
            parameters["SecurityGroupId"] = securityGroupId
            parameters["VSwitchIds"] = vswitchIds.joined(separator: ",")
        }
        return parameters
    }

    static func nodePools(
        _ blueprint: ClusterBlueprint,
        nodePoolId: String,
        exclusivePoolId: String,
        resourceGroupId: String,
        vswitchIds: [String],
        securityGroupId: String,
        updated: Date
    ) -> [JSONValue] {
        guard blueprint.profile != "Serverless", blueprint.clusterType != "Ask",
            blueprint.clusterType != "ExternalKubernetes"
        else { return [] }
        func pool(id: String, name: String, isDefault: Bool, nodes: Int, labels: [String: String]) -> JSONValue {
            let count = JSONValue.number(Double(nodes))
            return [
                "nodepool_info": [
                    "nodepool_id": .string(id), "name": .string(name), "type": "ess", "is_default": .bool(isDefault),
                    "region_id": .string(blueprint.regionId), "resource_group_id": .string(resourceGroupId),
                    "created": .string(EmulatorDates.chinaStandardTime(blueprint.created)),
                    "updated": .string(EmulatorDates.chinaStandardTime(updated)),
                ],
                "status": [
                    "state": "active", "total_nodes": count, "healthy_nodes": count, "serving_nodes": count,
                    "offline_nodes": 0, "failed_nodes": 0, "initial_nodes": 0, "removing_nodes": 0,
                    "spot_nodes": 0,
                ],
                "scaling_group": [
                    "instance_types": [.string(blueprint.instanceType)],
                    "vswitch_ids": .array(vswitchIds.map(JSONValue.string)), "desired_size": count,
                    "instance_charge_type": "PostPaid", "system_disk_category": "cloud_essd", "system_disk_size": 120,
                    "security_group_id": .string(securityGroupId),
                ],
                "kubernetes_config": [
                    "runtime": "containerd", "runtime_version": "1.6.28", "cpu_policy": "none", "taints": [],
                    "labels": .array(
                        labels.keys.sorted().map { ["key": .string($0), "value": .string(labels[$0] ?? "")] }),
                ],
                "management": ["enable": true, "auto_repair": true],
                "auto_scaling": ["enable": false, "max_instances": 0, "min_instances": 0, "type": "cpu"],
            ]
        }
        var pools = [
            pool(
                id: nodePoolId, name: "default-nodepool", isDefault: true,
                nodes: blueprint.nodeCount - blueprint.exclusiveENINodeCount, labels: [:])
        ]
        if blueprint.exclusiveENINodeCount > 0 {
            pools.append(
                pool(
                    id: exclusivePoolId, name: "eni-only", isDefault: false, nodes: blueprint.exclusiveENINodeCount,
                    labels: [exclusiveENILabel: "eniOnly"]))
        }
        return pools
    }
}
