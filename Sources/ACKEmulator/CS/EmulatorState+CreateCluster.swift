import Audit
import Foundation

extension EmulatorState {
    /// An asynchronous cluster task (CreateCluster), completed after `remaining` observations.
    struct TaskRecord: Sendable {
        var id: String
        var clusterId: String
        var type: String
        var created: Date
        var remaining: Int
        var finished: Date?
    }

    static let clusterTypes = ["Kubernetes", "ManagedKubernetes", "ExternalKubernetes", "Ask"]
    static let networkAddons = ["flannel", "terway-eniip", "terway-eni"]

    /// `CreateCluster` (`POST /clusters`): validates the body, adds the cluster as `initial` and returns
    /// `{"cluster_id","request_id","task_id"}`; the cluster becomes `running` once its task completes.
    func createCluster(_ request: CSRequest) -> Result<CSReply, CSError> {
        guard let body = request.jsonBody?.objectValue else {
            return .failure(.invalidParameter("the request body must be a JSON object"))
        }
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            return .failure(.invalidParameter("name is required"))
        }
        guard Self.isValidClusterName(name) else {
            return .failure(
                .invalidParameter(
                    "name must be 1 to 63 characters of letters, digits, hyphens and underscores, "
                        + "not starting with a hyphen"))
        }
        guard let regionId = body["region_id"]?.stringValue, !regionId.isEmpty else {
            return .failure(.invalidParameter("region_id is required"))
        }
        guard regions.contains(regionId) else {
            return .failure(.invalidParameter("region_id \(regionId) is not supported"))
        }
        guard let clusterType = body["cluster_type"]?.stringValue, !clusterType.isEmpty else {
            return .failure(.invalidParameter("cluster_type is required"))
        }
        guard Self.clusterTypes.contains(clusterType) else {
            return .failure(.invalidParameter("cluster_type \(clusterType) is not supported"))
        }
        let profile = body["profile"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "Default"
        let needsNetwork =
            (clusterType == "Kubernetes" || clusterType == "ManagedKubernetes") && profile != "Serverless"
        if clusterType != "ExternalKubernetes" {
            guard let vpcId = body["vpcid"]?.stringValue, !vpcId.isEmpty else {
                return .failure(.invalidParameter("vpcid is required"))
            }
        }
        var addons: [(name: String, config: String)] = []
        if let list = body["addons"] {
            guard let items = list.arrayValue else { return .failure(.invalidParameter("addons must be an array")) }
            for item in items {
                guard let addonName = item["name"]?.stringValue, !addonName.isEmpty else {
                    return .failure(.invalidParameter("every addon needs a name"))
                }
                let config = item["config"]?.stringValue ?? ""
                if !config.isEmpty, JSONText.parse(config)?.objectValue == nil {
                    return .failure(.invalidParameter("the config of addon \(addonName) must be a JSON object string"))
                }
                if item["disabled"]?.boolValue == true { continue }
                addons.append((addonName, config))
            }
        }
        let network = addons.filter { Self.networkAddons.contains($0.name) }
        if needsNetwork && network.isEmpty {
            return .failure(.invalidParameter("addons must include a network plug-in: flannel or terway-eniip"))
        }
        if network.count > 1 {
            return .failure(.invalidParameter("addons may include only one network plug-in"))
        }

        let created = clock()
        let id = "c" + random.hex(32)
        var blueprint = ClusterBlueprint(
            id: id, name: name, regionId: regionId,
            zoneId: body["zone_id"]?.stringValue ?? "\(regionId)-a", accountId: accountId, created: created)
        blueprint.clusterType = clusterType
        blueprint.profile = profile
        blueprint.clusterSpec = body["cluster_spec"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "ack.standard"
        blueprint.version = body["kubernetes_version"]?.stringValue ?? "1.31.1-aliyun.1"
        blueprint.state = asynchronousSteps > 0 ? "initial" : "running"
        blueprint.deletionProtection = body["deletion_protection"]?.boolValue ?? false
        if let cidr = body["service_cidr"]?.stringValue, !cidr.isEmpty { blueprint.serviceCIDR = cidr }
        if let cidr = body["container_cidr"]?.stringValue, !cidr.isEmpty { blueprint.containerCIDR = cidr }
        blueprint.nodeCount = Self.requestedNodeCount(body)
        var tags: [String: String] = [:]
        for tag in body["tags"]?.arrayValue ?? [] {
            if let key = tag["key"]?.stringValue { tags[key] = tag["value"]?.stringValue ?? "" }
        }
        blueprint.tags = tags
        let networkConfig = network.first.map { JSONText.parse($0.config)?.objectValue ?? [:] } ?? [:]
        let stringConfig = networkConfig.compactMapValues { $0.scalarText }
        switch network.first?.name {
        case "flannel":
            blueprint.plugin = .flannelAddonOnly
            blueprint.configMap = .missing
        case "terway-eniip":
            blueprint.plugin = .terwayENIIP
            blueprint.addonConfig = stringConfig
            // Policy is off unless chosen at creation.
            blueprint.configMap = .value(stringConfig["NetworkPolicy"] == "true" ? "false" : "true")
        case "terway-eni":
            blueprint.plugin = .terwayENI
            blueprint.addonConfig = stringConfig
            blueprint.configMap = .keyAbsent
        default:
            blueprint.plugin = .none
            blueprint.configMap = .missing
        }
        blueprint.extraAddons = addons.filter {
            !Self.networkAddons.contains($0.name) && $0.name != "terway-controlplane"
                && !["coredns", "metrics-server", "managed-kube-proxy", "csi-plugin", "csi-provisioner"].contains(
                    $0.name)
        }
        var builder = ClusterBuilder(random: SeededRandomNumberGenerator(seed: random.next()))
        var cluster = builder.build(blueprint)
        if case .object(var detail) = cluster.detail {
            if let vpcId = body["vpcid"]?.stringValue { detail["vpc_id"] = .string(vpcId) }
            if let vswitches = body["vswitch_ids"]?.arrayValue, let first = vswitches.first {
                detail["vswitch_ids"] = .array(vswitches)
                detail["vswitch_id"] = first
            }
            cluster.detail = .object(detail)
        }
        cluster.situations = []
        clusters[id] = cluster
        order.insert(id, at: 0)
        var store = KubernetesObjectStore()
        for object in cluster.kubernetesObjects {
            store.insert(object)
        }
        stores[id] = store
        let taskId = "T-" + random.alphanumeric(24)
        tasks[taskId] = TaskRecord(
            id: taskId, clusterId: id, type: "cluster_create", created: created, remaining: asynchronousSteps,
            finished: asynchronousSteps > 0 ? nil : created)
        return .success(
            .json(["cluster_id": .string(id), "request_id": .string(newRequestId()), "task_id": .string(taskId)]))
    }

    static func isValidClusterName(_ name: String) -> Bool {
        guard (1...63).contains(name.count), name.first != "-" else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_"
        }
    }

    static func requestedNodeCount(_ body: [String: JSONValue]) -> Int {
        if let count = body["num_of_nodes"]?.intValue, count > 0 { return min(count, 500) }
        let pools = body["nodepools"]?.arrayValue ?? []
        let desired = pools.compactMap { $0["scaling_group"]?["desired_size"]?.intValue }.reduce(0, +)
        if desired > 0 { return min(desired, 500) }
        return pools.isEmpty ? 2 : 2 * pools.count
    }

    /// One observation of a cluster: advances its creation task; when done the cluster is `running`.
    func observe(_ clusterId: String) {
        guard let taskId = tasks.first(where: { $0.value.clusterId == clusterId && $0.value.finished == nil })?.key
        else { return }
        advanceTask(taskId)
    }

    func advanceTask(_ taskId: String) {
        guard var task = tasks[taskId], task.finished == nil else { return }
        task.remaining -= 1
        if task.remaining <= 0 {
            let now = clock()
            task.finished = now
            if var cluster = clusters[task.clusterId], case .object(var detail) = cluster.detail {
                detail["state"] = "running"
                detail["updated"] = .string(EmulatorDates.chinaStandardTime(now))
                cluster.detail = .object(detail)
                clusters[task.clusterId] = cluster
            }
        }
        tasks[taskId] = task
    }

    /// `DescribeTaskInfo`.
    func describeTaskInfo(_ taskId: String) -> Result<CSReply, CSError> {
        guard let before = tasks[taskId] else { return .failure(.taskNotFound(taskId)) }
        let rendered = render(before)
        advanceTask(taskId)
        return .success(.json(rendered))
    }

    func render(_ task: TaskRecord) -> JSONValue {
        let done = task.finished != nil
        let updated = task.finished ?? clock()
        var stages: [JSONValue] = [
            [
                "state": "success", "message": "Creating cloud resources",
                "start_time": .string(EmulatorDates.stageTime(task.created)),
                "end_time": .string(EmulatorDates.stageTime(task.created.addingTimeInterval(1))), "outputs": [:],
            ]
        ]
        stages.append([
            "state": done ? "success" : "running", "message": "Initializing the cluster",
            "start_time": .string(EmulatorDates.stageTime(task.created.addingTimeInterval(1))),
            "end_time": .string(done ? EmulatorDates.stageTime(updated) : ""), "outputs": [:],
        ])
        return [
            "cluster_id": .string(task.clusterId),
            "task_id": .string(task.id),
            "task_type": .string(task.type),
            "state": .string(done ? "success" : "running"),
            "created": .string(EmulatorDates.chinaStandardTime(task.created)),
            "updated": .string(EmulatorDates.chinaStandardTime(updated)),
            "current_stage": .string(done ? "" : "InitCluster"),
            "error": ["code": "", "message": ""],
            "events": [],
            "outputs": [:],
            "parameters": [:],
            "stages": .array(stages),
            "target": ["id": .string(task.clusterId), "type": "cluster"],
            "task_result": [["data": .string(task.clusterId), "status": .string(done ? "success" : "initial")]],
        ]
    }
}
