import Audit

/// Small builders for evidence in tests.
enum Build {
    static func record(
        _ id: String = "c1", type: String? = "ManagedKubernetes", profile: String? = "Default",
        state: String? = "running", addons: [JSONValue] = [], network: String? = nil,
        parameters: [String: String]? = nil, size: Int? = nil
    ) -> ClusterRecord {
        var meta: [String: JSONValue] = ["Addons": .array(addons)]
        if let network { meta["Capabilities"] = ["Network": .string(network)] }
        return ClusterRecord(
            clusterId: id, name: "name-\(id)", regionId: "cn-hangzhou", clusterType: type, profile: profile,
            state: state, size: size, metaData: .object(meta), parameters: parameters, sources: ["test"])
    }

    static func eniip(_ policy: String?) -> JSONValue {
        var config: [String: JSONValue] = ["IPVlan": "false"]
        if let policy { config["NetworkPolicy"] = .string(policy) }
        return ["name": "terway-eniip", "config": .string(JSONValue.object(config).serialized())]
    }

    static func configMap(_ value: String?, conf: JSONValue? = nil) -> Layer<JSONValue> {
        var data: [String: JSONValue] = ["eni_conf": "{}"]
        if let value { data["disable_network_policy"] = .string(value) }
        if let conf { data["10-terway.conf"] = .string(conf.serialized()) }
        return .read(
            [
                "kind": "ConfigMap", "metadata": ["name": "eni-config", "namespace": "kube-system"],
                "data": .object(data),
            ],
            source: "test")
    }

    static func node(_ name: String, exclusive: Bool = false) -> JSONValue {
        var labels: [String: JSONValue] = ["kubernetes.io/hostname": .string(name)]
        if exclusive { labels["k8s.aliyun.com/exclusive-mode-eni-type"] = "eniOnly" }
        return ["kind": "Node", "metadata": ["name": .string(name), "labels": .object(labels)]]
    }
}
