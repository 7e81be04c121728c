import Audit

/// Builds Kubernetes objects shaped like `kubectl get -o json` output, with deterministic uids, resource versions
/// and creation timestamps.
struct FleetKubernetesObjects {
    var random: SeededRandomNumberGenerator
    var resourceVersion: Int
    let creationTimestamp: String

    init(random: SeededRandomNumberGenerator, creationTimestamp: String) {
        self.random = random
        self.resourceVersion = 1_000
        self.creationTimestamp = creationTimestamp
    }

    mutating func metadata(
        name: String,
        namespace: String? = nil,
        labels: [String: String] = [:],
        annotations: [String: String] = [:]
    ) -> JSONValue {
        resourceVersion += 1 + Int(random.next() % 50)
        let uid = random.hex(32)
        let characters = Array(uid)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        var fields: [String: JSONValue] = [
            "name": .string(name),
            "uid": .string(groups.joined(separator: "-")),
            "resourceVersion": .string(String(resourceVersion)),
            "creationTimestamp": .string(creationTimestamp),
        ]
        if let namespace { fields["namespace"] = .string(namespace) }
        if !labels.isEmpty { fields["labels"] = .object(labels.mapValues(JSONValue.string)) }
        if !annotations.isEmpty { fields["annotations"] = .object(annotations.mapValues(JSONValue.string)) }
        return .object(fields)
    }

    mutating func namespace(_ name: String) -> JSONValue {
        [
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": metadata(name: name, labels: ["kubernetes.io/metadata.name": name]),
            "spec": ["finalizers": ["kubernetes"]],
            "status": ["phase": "Active"],
        ]
    }

    mutating func node(
        name: String,
        address: String,
        region: String,
        zone: String,
        instanceType: String,
        nodePoolId: String,
        kubeletVersion: String,
        extraLabels: [String: String]
    ) -> JSONValue {
        var labels = [
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "node.kubernetes.io/instance-type": instanceType,
            "topology.kubernetes.io/region": region,
            "topology.kubernetes.io/zone": zone,
            "alibabacloud.com/nodepool-id": nodePoolId,
        ]
        labels.merge(extraLabels) { _, new in new }
        let instanceId = "i-" + random.alphanumeric(20)
        return [
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": metadata(name: name, labels: labels),
            "spec": ["providerID": .string("\(region).\(instanceId)"), "podCIDR": ""],
            "status": [
                "addresses": [
                    ["type": "InternalIP", "address": .string(address)],
                    ["type": "Hostname", "address": .string(name)],
                ],
                "conditions": [["type": "Ready", "status": "True", "reason": "KubeletReady"]],
                "nodeInfo": [
                    "kubeletVersion": .string("v" + kubeletVersion),
                    "containerRuntimeVersion": "containerd://1.6.28",
                    "osImage": "Alibaba Cloud Linux 3.2104 U10 (OpenAnolis Edition)",
                    "architecture": "amd64",
                    "operatingSystem": "linux",
                ],
            ],
        ]
    }

    mutating func pod(name: String, namespace: String, labels: [String: String], nodeName: String, image: String)
        -> JSONValue
    {
        let address = "172.\(16 + random.next() % 16).\(random.next() % 256).\(1 + random.next() % 254)"
        return [
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": metadata(name: name, namespace: namespace, labels: labels),
            "spec": [
                "nodeName": .string(nodeName),
                "containers": [["name": "main", "image": .string(image)]],
            ],
            "status": ["phase": "Running", "podIP": .string(address)],
        ]
    }

    mutating func networkPolicy(name: String, namespace: String, spec: JSONValue) -> JSONValue {
        [
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": metadata(name: name, namespace: namespace),
            "spec": spec,
        ]
    }

    mutating func configMap(name: String, namespace: String, data: [String: String]) -> JSONValue {
        [
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(name: name, namespace: namespace),
            "data": .object(data.mapValues(JSONValue.string)),
        ]
    }

    /// A kube-system DaemonSet such as `terway-eniip` (label `app=<name>`).
    mutating func daemonSet(
        name: String,
        initContainers: [String],
        containers: [String],
        image: String,
        scheduled: Int
    ) -> JSONValue {
        let labels: JSONValue = ["app": .string(name)]
        let initList = JSONValue.array(initContainers.map { ["name": .string($0), "image": .string(image)] })
        let containerList = JSONValue.array(containers.map { ["name": .string($0), "image": .string(image)] })
        var podSpec: [String: JSONValue] = ["containers": containerList, "hostNetwork": true]
        if !initContainers.isEmpty { podSpec["initContainers"] = initList }
        var meta = metadata(name: name, namespace: "kube-system", labels: ["app": name])
        if case .object(var fields) = meta {
            fields["generation"] = 1
            meta = .object(fields)
        }
        let count = JSONValue.number(Double(scheduled))
        return [
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": meta,
            "spec": [
                "selector": ["matchLabels": labels],
                "template": [
                    "metadata": ["labels": labels, "annotations": [:]],
                    "spec": .object(podSpec),
                ],
                "updateStrategy": ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": 1]],
            ],
            "status": [
                "currentNumberScheduled": count, "desiredNumberScheduled": count, "numberReady": count,
                "numberAvailable": count, "updatedNumberScheduled": count, "numberMisscheduled": 0,
                "observedGeneration": 1,
            ],
        ]
    }
}
