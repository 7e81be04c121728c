import Audit
import Foundation

extension ClusterBuilder {
    /// The Kubernetes objects of a blueprint's cluster: namespaces, nodes, the network DaemonSet, `eni-config`,
    /// NetworkPolicies and pods. Adds the rule-2 situations it creates to `situations`.
    mutating func kubernetesObjects(
        _ blueprint: ClusterBlueprint,
        nodePoolId: String,
        exclusivePoolId: String,
        vswitchId: String,
        securityGroupId: String,
        situations: inout Set<FleetSituation>
    ) -> [JSONValue] {
        var factory = FleetKubernetesObjects(
            random: SeededRandomNumberGenerator(seed: random.next()),
            creationTimestamp: EmulatorDates.utc(blueprint.created))
        var objects: [JSONValue] = []

        // Nodes.
        var nodeNames: [String] = []
        if blueprint.profile == "Serverless" || blueprint.clusterType == "Ask" {
            for index in 0..<2 {
                let zone = blueprint.zoneId
                let name = "virtual-kubelet-\(zone)-\(index)"
                nodeNames.append(name)
                objects.append(
                    factory.node(
                        name: name, address: "10.0.\(index).2", region: blueprint.regionId, zone: zone,
                        instanceType: "virtual-kubelet", nodePoolId: "", kubeletVersion: blueprint.version,
                        extraLabels: ["type": "virtual-kubelet", "kubernetes.io/role": "agent"]))
            }
        } else {
            let subnet = 1 + Int(random.next() % 200)
            for index in 0..<blueprint.nodeCount {
                let address = "10.\(subnet).\(index / 250).\(index % 250 + 2)"
                let name = "\(blueprint.regionId).\(address)"
                nodeNames.append(name)
                let exclusive = index >= blueprint.nodeCount - blueprint.exclusiveENINodeCount
                objects.append(
                    factory.node(
                        name: name, address: address, region: blueprint.regionId, zone: blueprint.zoneId,
                        instanceType: blueprint.instanceType, nodePoolId: exclusive ? exclusivePoolId : nodePoolId,
                        kubeletVersion: blueprint.version,
                        extraLabels: exclusive ? [Self.exclusiveENILabel: "eniOnly"] : [:]))
            }
        }

        // The network DaemonSet and, for Terway, eni-config.
        let scheduled = blueprint.nodeCount - blueprint.exclusiveENINodeCount
        let registry = "registry-\(blueprint.regionId)-vpc.ack.aliyuncs.com/acs"
        var networkPodPrefix: String?
        switch blueprint.plugin {
        case .flannel, .flannelAddonOnly:
            objects.append(
                factory.daemonSet(
                    name: "kube-flannel-ds", initContainers: ["install-cni-plugin", "install-cni"],
                    containers: ["kube-flannel"], image: "\(registry)/flannel:v0.15.1.22-20a397e6-aliyun",
                    scheduled: blueprint.nodeCount))
            networkPodPrefix = "kube-flannel-ds"
        case .terwayENIIP:
            objects.append(
                factory.daemonSet(
                    name: "terway-eniip", initContainers: ["terway-init"], containers: ["terway", "policy"],
                    image: "\(registry)/terway:v1.9.6", scheduled: scheduled))
            networkPodPrefix = "terway-eniip"
        case .terwayENI:
            objects.append(
                factory.daemonSet(
                    name: "terway-eni", initContainers: [], containers: ["terway"],
                    image: "\(registry)/terway:v1.2.6", scheduled: blueprint.nodeCount))
            networkPodPrefix = "terway-eni"
        case .none:
            if blueprint.clusterType == "ExternalKubernetes" {
                objects.append(
                    factory.daemonSet(
                        name: "calico-node", initContainers: ["install-cni"], containers: ["calico-node"],
                        image: "docker.io/calico/node:v3.27.3", scheduled: blueprint.nodeCount))
                networkPodPrefix = "calico-node"
            }
        case .unidentified:
            break
        }
        if blueprint.plugin == .terwayENIIP || blueprint.plugin == .terwayENI {
            if blueprint.configMap != .missing {
                objects.append(
                    factory.configMap(
                        name: "eni-config", namespace: "kube-system",
                        data: eniConfigData(blueprint, vswitchId: vswitchId, securityGroupId: securityGroupId)))
            }
        }

        // Namespaces, NetworkPolicies and pods.
        var namespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]
        var pods: [(name: String, namespace: String, labels: [String: String])] = [
            ("coredns-6b8f7d9c5-\(random.alphanumeric(5))", "kube-system", ["k8s-app": "kube-dns"]),
            ("coredns-6b8f7d9c5-\(random.alphanumeric(5))", "kube-system", ["k8s-app": "kube-dns"]),
            ("nginx-\(random.alphanumeric(5))", "default", ["app": "nginx"]),
        ]
        if let networkPodPrefix {
            for _ in 0..<min(2, max(scheduled, 0)) {
                pods.append(("\(networkPodPrefix)-\(random.alphanumeric(5))", "kube-system", ["app": networkPodPrefix]))
            }
        }
        var policies: [(name: String, namespace: String, spec: JSONValue)] = []
        let emptySelectorIngress: JSONValue = ["podSelector": [:], "policyTypes": ["Ingress"]]
        switch blueprint.coverage {
        case .systemOnly:
            break
        case .allCovered:
            situations.formUnion([.allNamespacesCovered, .emptyPodSelectorPolicy])
            namespaces += ["payments", "web"]
            policies += [
                (
                    "allow-same-namespace", "default",
                    ["podSelector": [:], "ingress": [["from": [["podSelector": [:]]]]]]
                ),
                ("default-deny-all", "payments", ["podSelector": [:], "policyTypes": ["Ingress", "Egress"]]),
                ("default-deny-ingress", "web", emptySelectorIngress),
                ("allow-web-from-lb", "web", Self.labelSelectorPolicy),
            ]
            pods += [
                ("payments-api-\(random.alphanumeric(5))", "payments", ["app": "payments", "tier": "api"]),
                ("payments-worker-\(random.alphanumeric(5))", "payments", ["app": "payments", "tier": "batch"]),
                ("web-frontend-\(random.alphanumeric(5))", "web", ["app": "web", "tier": "frontend"]),
            ]
        case .mixed:
            situations.formUnion([.namespaceWithoutPolicy, .emptyPodSelectorPolicy, .matchExpressionsPolicy])
            situations.insert(.egressOnlyPolicy)
            namespaces += ["batch", "payments", "sandbox", "web"]
            policies += [
                ("default-deny-ingress", "payments", emptySelectorIngress),
                ("allow-web-from-lb", "web", Self.labelSelectorPolicy),
                ("apps-without-legacy", "web", Self.expressionsPolicy),
                ("deny-all-egress", "batch", ["podSelector": [:], "policyTypes": ["Egress"], "egress": []]),
            ]
            pods += [
                ("payments-api-\(random.alphanumeric(5))", "payments", ["app": "payments", "tier": "api"]),
                ("web-frontend-\(random.alphanumeric(5))", "web", ["app": "web", "tier": "frontend"]),
                ("web-worker-\(random.alphanumeric(5))", "web", ["app": "web", "tier": "batch"]),
                ("legacy-app-\(random.alphanumeric(5))", "web", ["app": "legacy-app", "legacy": "true"]),
                ("report-job-\(random.alphanumeric(5))", "batch", ["app": "report", "tier": "batch"]),
                ("scratch-\(random.alphanumeric(5))", "sandbox", ["app": "scratch"]),
            ]
        }
        for namespace in namespaces.sorted() {
            objects.append(factory.namespace(namespace))
        }
        for policy in policies {
            objects.append(factory.networkPolicy(name: policy.name, namespace: policy.namespace, spec: policy.spec))
        }
        for (index, pod) in pods.enumerated() where !nodeNames.isEmpty {
            let image =
                pod.namespace == "kube-system"
                ? "\(registry)/\(pod.name.split(separator: "-")[0]):stable"
                : "registry.example.com/\(pod.labels["app"] ?? "app"):1.4.2"
            objects.append(
                factory.pod(
                    name: pod.name, namespace: pod.namespace, labels: pod.labels,
                    nodeName: nodeNames[index % nodeNames.count], image: image))
        }
        return objects
    }

    /// `matchLabels` plus a `matchExpressions` `In` term; ingress from load-balancer pods only.
    static let labelSelectorPolicy: JSONValue = [
        "podSelector": [
            "matchLabels": ["app": "web"],
            "matchExpressions": [["key": "tier", "operator": "In", "values": ["frontend", "api"]]],
        ],
        "policyTypes": ["Ingress"],
        "ingress": [
            ["from": [["podSelector": ["matchLabels": ["role": "lb"]]]], "ports": [["protocol": "TCP", "port": 8080]]]
        ],
    ]

    /// `Exists`, `DoesNotExist` and `NotIn` terms, ingress and egress.
    static let expressionsPolicy: JSONValue = [
        "podSelector": [
            "matchExpressions": [
                ["key": "app", "operator": "Exists"],
                ["key": "legacy", "operator": "DoesNotExist"],
                ["key": "tier", "operator": "NotIn", "values": ["batch"]],
            ]
        ],
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [["from": [["namespaceSelector": ["matchLabels": ["kubernetes.io/metadata.name": "web"]]]]]],
        "egress": [["to": [["ipBlock": ["cidr": "10.0.0.0/8"]]]]],
    ]

    func eniConfigData(_ blueprint: ClusterBlueprint, vswitchId: String, securityGroupId: String) -> [String: String] {
        let terwayConf: JSONValue = [
            "cniVersion": "0.4.0", "name": "terway", "capabilities": ["bandwidth": true],
            "eniip_virtual_type": .string(blueprint.datapath), "host_stack_cidrs": ["169.254.20.10/32"],
            "type": "terway",
        ]
        let eniConf: JSONValue = [
            "version": "1", "max_pool_size": 5, "min_pool_size": 0, "credential_path": "/var/addon/token-config",
            "enable_eni_trunking": true, "vswitches": .object([blueprint.zoneId: [.string(vswitchId)]]),
            "service_cidr": .string(blueprint.serviceCIDR), "security_group": .string(securityGroupId),
            "ip_stack": "ipv4", "vswitch_selection_policy": "ordered",
        ]
        var data = [
            "10-terway.conf": JSONText.string(terwayConf),
            "eni_conf": JSONText.string(eniConf),
            "in_cluster_loadbalance": "true",
        ]
        if case .value(let value) = blueprint.configMap {
            data["disable_network_policy"] = value
        }
        return data
    }
}
