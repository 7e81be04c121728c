import Audit
import Foundation

extension EmulatorState {
    /// Answers one authenticated CS call.
    func handle(_ route: CSRoute, _ request: CSRequest, principal: Principal) -> Result<CSReply, CSError> {
        switch route {
        case .describeClustersV1: describeClustersV1(request.query, path: nil)
        case .describeClustersForRegion(let regionId): describeClustersV1(request.query, path: regionId)
        case .describeClusters: describeClusters(request.query)
        case .createCluster: createCluster(request)
        case .describeClusterDetail(let id):
            visibleCluster(id).map { cluster in
                let body = ClusterViews.detail(cluster, masterURL: masterURL(id))
                observe(id)
                return .json(body)
            }
        case .listClusterAddonInstances(let id):
            visibleCluster(id).map { cluster in
                let items = cluster.addons.map { addon -> JSONValue in
                    ["name": addon["name"] ?? "", "version": addon["version"] ?? "", "state": addon["state"] ?? ""]
                }
                return .json(["addons": .array(items)])
            }
        case .getClusterAddonInstance(let id, let name): addonInstance(clusterId: id, name: name, deprecated: false)
        case .describeClusterAddonInstance(let id, let name): addonInstance(clusterId: id, name: name, deprecated: true)
        case .modifyClusterAddon(let id, let component): modifyClusterAddon(clusterId: id, name: component, request)
        case .describeClusterAddonsUpgradeStatus(let id): addonsUpgradeStatus(clusterId: id, query: request.query)
        case .describeClusterAddonUpgradeStatus(let id, let component):
            addonUpgradeStatus(clusterId: id, name: component)
        case .describeClusterUserKubeconfig(let id):
            userKubeconfig(clusterId: id, query: request.query, principal: principal)
        case .describeClusterNodePools(let id):
            visibleCluster(id).map { cluster in .json(["nodepools": .array(cluster.nodePools)]) }
        case .describeTaskInfo(let taskId): describeTaskInfo(taskId)
        case .describeRegions: .success(.json(describeRegions(request.query)))
        case .assumeRole: assumeRole(request).map(CSReply.json)
        case .getCallerIdentity: callerIdentity(request).map(CSReply.json)
        }
    }

    /// The cluster a call names, counting the mention; `ErrorClusterNotFound` when unknown or disappeared.
    func visibleCluster(_ clusterId: String) -> Result<FleetCluster, CSError> {
        guard let cluster = clusters[clusterId] else { return .failure(.clusterNotFound(clusterId)) }
        if mention(clusterId) { return .failure(.clusterNotFound(clusterId)) }
        return .success(cluster)
    }

    // MARK: Listings

    /// `DescribeClustersV1` (or, with `path`, `DescribeClustersForRegion`).
    func describeClustersV1(_ query: [String: String], path regionId: String?) -> Result<CSReply, CSError> {
        let pageNumber: Int
        let pageSize: Int
        switch (integer(query["page_number"], default: 1), integer(query["page_size"], default: 10)) {
        case (.success(let number), .success(let size)):
            guard number >= 1 else { return .failure(.invalidParameter("page_number must be at least 1")) }
            guard (1...100).contains(size) else {
                return .failure(.invalidParameter("page_size must be between 1 and 100"))
            }
            pageNumber = number
            pageSize = min(size, faults.maxListingPageSize ?? size)
        case (.failure(let error), _), (_, .failure(let error)):
            return .failure(error)
        }
        var selected = listedClusters().filter { cluster in
            let fields = ClusterViews.merged(cluster)
            func matches(_ key: String, _ field: String) -> Bool {
                guard let wanted = query[key], !wanted.isEmpty else { return true }
                return fields[field]?.stringValue == wanted
            }
            if let name = query["name"], !name.isEmpty,
                !(fields["name"]?.stringValue ?? "").localizedCaseInsensitiveContains(name)
            {
                return false
            }
            if let regionId, fields["region_id"]?.stringValue != regionId { return false }
            return matches("cluster_type", "cluster_type") && matches("profile", "profile")
                && matches("region_id", "region_id") && matches("cluster_id", "cluster_id")
                && matches("cluster_spec", "cluster_spec")
        }
        let total = selected.count
        let start = min((pageNumber - 1) * pageSize, total)
        selected = Array(selected[start..<min(start + pageSize, total)])
        let items = selected.map { cluster -> JSONValue in
            regionId == nil
                ? ClusterViews.v1Item(cluster, masterURL: masterURL(cluster.id)) : ClusterViews.regionItem(cluster)
        }
        for cluster in selected { observe(cluster.id) }
        countListing(region: regionId ?? query["region_id"])
        return .success(
            .json([
                "clusters": .array(items),
                "page_info": [
                    "page_number": .number(Double(pageNumber)), "page_size": .number(Double(pageSize)),
                    "total_count": .number(Double(total)),
                ],
            ]))
    }

    /// The deprecated `DescribeClusters` (`GET /clusters`): a bare array.
    func describeClusters(_ query: [String: String]) -> Result<CSReply, CSError> {
        let selected = listedClusters().filter { cluster in
            let fields = ClusterViews.merged(cluster)
            if let type = query["clusterType"], !type.isEmpty, fields["cluster_type"]?.stringValue != type {
                return false
            }
            if let group = query["resource_group_id"], !group.isEmpty,
                fields["resource_group_id"]?.stringValue != group
            {
                return false
            }
            if let name = query["name"], !name.isEmpty,
                !(fields["name"]?.stringValue ?? "").localizedCaseInsensitiveContains(name)
            {
                return false
            }
            return true
        }
        let items = selected.map { ClusterViews.legacyItem($0, masterURL: masterURL($0.id)) }
        for cluster in selected { observe(cluster.id) }
        countListing(region: nil)
        return .success(.json(.array(items)))
    }

    /// Clusters in listing order, without disappeared ones.
    func listedClusters() -> [FleetCluster] {
        order.compactMap { id in hasDisappeared(id) ? nil : clusters[id] }
    }

    func integer(_ text: String?, default value: Int) -> Result<Int, CSError> {
        guard let text, !text.isEmpty else { return .success(value) }
        guard let number = Int(text) else { return .failure(.invalidParameter("\(text) is not an integer")) }
        return .success(number)
    }

    // MARK: Kubeconfig, tasks, regions

    func userKubeconfig(clusterId: String, query: [String: String], principal: Principal) -> Result<CSReply, CSError> {
        let cluster: FleetCluster
        switch visibleCluster(clusterId) {
        case .success(let value): cluster = value
        case .failure(let error): return .failure(error)
        }
        if cluster.detail["state"]?.stringValue == "deleted" { return .failure(.clusterNotFound(clusterId)) }
        if let privateText = query["PrivateIpAddress"], !["true", "false"].contains(privateText.lowercased()) {
            return .failure(.invalidParameter("PrivateIpAddress must be true or false"))
        }
        let now = clock()
        var expiration = now.addingTimeInterval(3 * 365 * 86_400)
        if let text = query["TemporaryDurationMinutes"], !text.isEmpty {
            guard let minutes = Int(text), (15...4_320).contains(minutes) else {
                return .failure(.invalidParameter("TemporaryDurationMinutes must be an integer from 15 to 4320"))
            }
            expiration = now.addingTimeInterval(TimeInterval(minutes * 60))
        }
        let userName = String(2_000_000_000_000_000 + principal.accessKeyId.hashValueStable % 999_999_999_999_999)
        return .success(
            .kubeconfig(
                KubeconfigOrder(
                    clusterId: clusterId, clusterName: cluster.name, server: serverURL(clusterId), userName: userName,
                    notValidBefore: now.addingTimeInterval(-300), expiration: expiration)))
    }

    func describeRegions(_ query: [String: String]) -> JSONValue {
        let chinese = (query["acceptLanguage"] ?? "").lowercased().hasPrefix("zh")
        let items = regions.map { region -> JSONValue in
            let names = Self.regionNames[region]
            return ["regionId": .string(region), "localName": .string((chinese ? names?.1 : names?.0) ?? region)]
        }
        return ["regions": .array(items), "requestId": .string(newRequestId())]
    }

    static let regionNames: [String: (String, String)] = [
        "cn-hangzhou": ("China (Hangzhou)", "华东1（杭州）"),
        "cn-shanghai": ("China (Shanghai)", "华东2（上海）"),
        "cn-qingdao": ("China (Qingdao)", "华北1（青岛）"),
        "cn-beijing": ("China (Beijing)", "华北2（北京）"),
        "cn-zhangjiakou": ("China (Zhangjiakou)", "华北3（张家口）"),
        "cn-huhehaote": ("China (Hohhot)", "华北5（呼和浩特）"),
        "cn-wulanchabu": ("China (Ulanqab)", "华北6（乌兰察布）"),
        "cn-shenzhen": ("China (Shenzhen)", "华南1（深圳）"),
        "cn-guangzhou": ("China (Guangzhou)", "华南3（广州）"),
        "cn-chengdu": ("China (Chengdu)", "西南1（成都）"),
        "cn-hongkong": ("China (Hong Kong)", "中国香港"),
        "ap-southeast-1": ("Singapore", "新加坡"),
        "ap-southeast-3": ("Malaysia (Kuala Lumpur)", "马来西亚（吉隆坡）"),
        "ap-southeast-5": ("Indonesia (Jakarta)", "印度尼西亚（雅加达）"),
        "ap-northeast-1": ("Japan (Tokyo)", "日本（东京）"),
        "eu-central-1": ("Germany (Frankfurt)", "德国（法兰克福）"),
        "eu-west-1": ("UK (London)", "英国（伦敦）"),
        "us-west-1": ("US (Silicon Valley)", "美国（硅谷）"),
        "us-east-1": ("US (Virginia)", "美国（弗吉尼亚）"),
    ]
}
