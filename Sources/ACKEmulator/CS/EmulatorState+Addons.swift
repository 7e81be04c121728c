import Audit
import Foundation

extension EmulatorState {
    /// A config change in progress (ModifyClusterAddon), completed after `remaining` observations.
    struct AddonTask: Sendable {
        var id: String
        var remaining: Int
        var created: Date
        var finished: Date?
    }

    func addonIndex(_ cluster: FleetCluster, name: String) -> Int? {
        cluster.addons.firstIndex { $0["name"]?.stringValue == name }
    }

    /// `GetClusterAddonInstance` (or the deprecated `DescribeClusterAddonInstance`, without `logging`).
    func addonInstance(clusterId: String, name: String, deprecated: Bool) -> Result<CSReply, CSError> {
        guard case .success(let cluster) = visibleCluster(clusterId) else {
            return .failure(.clusterNotFound(clusterId))
        }
        guard addonIndex(cluster, name: name) != nil else { return .failure(.addonNotFound(name, cluster: clusterId)) }
        if let bothPaths = faults.addonAPIDenies[clusterId], bothPaths || !deprecated {
            return .failure(.addonNotFound(name, cluster: clusterId))
        }
        observeAddon(clusterId: clusterId, name: name)
        guard let current = clusters[clusterId], let index = addonIndex(current, name: name) else {
            return .failure(.addonNotFound(name, cluster: clusterId))
        }
        let addon = current.addons[index]
        if deprecated {
            return .success(
                .json([
                    "name": addon["name"] ?? "", "version": addon["version"] ?? "", "state": addon["state"] ?? "",
                    "config": addon["config"] ?? "",
                ]))
        }
        return .success(.json(addon))
    }

    /// `ModifyClusterAddon`: merges the submitted config keys into the stored config (an empty value removes a
    /// key), marks the add-on `updating` and starts a task that `DescribeClusterAddonsUpgradeStatus` reports.
    /// `meta_data` is left alone (it is the creation-time copy), and so is the cluster's `eni-config`.
    func modifyClusterAddon(clusterId: String, name: String, _ request: CSRequest) -> Result<CSReply, CSError> {
        let cluster: FleetCluster
        switch visibleCluster(clusterId) {
        case .success(let value): cluster = value
        case .failure(let error): return .failure(error)
        }
        switch cluster.detail["state"]?.stringValue {
        case "deleted": return .failure(.clusterNotFound(clusterId))
        case "deleting", "delete_failed", "initial", "failed":
            return .failure(
                CSError(
                    status: 400, code: "ErrorClusterState",
                    message: "cluster \(clusterId) is \(cluster.detail["state"]?.stringValue ?? "")", style: .service))
        default: break
        }
        guard let index = addonIndex(cluster, name: name) else {
            return .failure(.addonNotFound(name, cluster: clusterId))
        }
        guard let body = request.jsonBody, case .object = body else {
            return .failure(.invalidParameter("the request body must be a JSON object {\"config\": string}"))
        }
        guard let configText = body["config"]?.stringValue else {
            return .failure(.invalidParameter("config is required and must be a string"))
        }
        guard let submitted = JSONText.parse(configText)?.objectValue else {
            return .failure(.invalidParameter("config must be a JSON object encoded as a string"))
        }
        var addon = cluster.addons[index].objectValue ?? [:]
        let existingText = addon["config"]?.stringValue ?? ""
        var merged = existingText.isEmpty ? [:] : (JSONText.parse(existingText)?.objectValue ?? [:])
        for (key, value) in submitted {
            if value.stringValue == "" || value.isNull {
                merged[key] = nil
            } else {
                merged[key] = value
            }
        }
        addon["config"] = .string(merged.isEmpty ? "" : JSONText.string(.object(merged)))
        addon["state"] = asynchronousSteps > 0 ? "updating" : "active"
        var updated = cluster
        updated.addons[index] = .object(addon)
        clusters[clusterId] = updated
        let now = clock()
        addonTasks[clusterId, default: [:]][name] = AddonTask(
            id: "T-" + random.alphanumeric(24), remaining: asynchronousSteps, created: now,
            finished: asynchronousSteps > 0 ? nil : now)
        return .success(.empty)
    }

    /// One observation of an add-on: advances its config task and, when done, sets the add-on back to `active`.
    func observeAddon(clusterId: String, name: String) {
        guard var task = addonTasks[clusterId]?[name], task.finished == nil else { return }
        task.remaining -= 1
        if task.remaining <= 0 {
            task.finished = clock()
            if var cluster = clusters[clusterId], let index = addonIndex(cluster, name: name),
                case .object(var addon) = cluster.addons[index]
            {
                addon["state"] = "active"
                cluster.addons[index] = .object(addon)
                clusters[clusterId] = cluster
            }
        }
        addonTasks[clusterId]?[name] = task
    }

    /// `DescribeClusterAddonsUpgradeStatus`, query `componentIds` = JSON array of add-on names.
    func addonsUpgradeStatus(clusterId: String, query: [String: String]) -> Result<CSReply, CSError> {
        guard case .success = visibleCluster(clusterId) else { return .failure(.clusterNotFound(clusterId)) }
        guard let text = query["componentIds"], let list = JSONText.parse(text)?.arrayValue,
            list.allSatisfy({ $0.stringValue != nil })
        else {
            return .failure(.invalidParameter("componentIds must be a JSON array of add-on names"))
        }
        var body: [String: JSONValue] = [:]
        for name in list.compactMap(\.stringValue) {
            switch upgradeStatusEntry(clusterId: clusterId, name: name) {
            case .success(let entry): body[name] = entry
            case .failure(let error): return .failure(error)
            }
        }
        return .success(.json(.object(body)))
    }

    /// `DescribeClusterAddonUpgradeStatus` for one add-on.
    func addonUpgradeStatus(clusterId: String, name: String) -> Result<CSReply, CSError> {
        guard case .success = visibleCluster(clusterId) else { return .failure(.clusterNotFound(clusterId)) }
        return upgradeStatusEntry(clusterId: clusterId, name: name).map(CSReply.json)
    }

    func upgradeStatusEntry(clusterId: String, name: String) -> Result<JSONValue, CSError> {
        guard let cluster = clusters[clusterId], let index = addonIndex(cluster, name: name) else {
            return .failure(.addonNotFound(name, cluster: clusterId))
        }
        let version = cluster.addons[index]["version"] ?? ""
        var tasks: JSONValue = [:]
        if let task = addonTasks[clusterId]?[name] {
            let status = task.finished == nil ? "Running" : "Success"
            var fields: [String: JSONValue] = [
                "status": .string(status), "message": "", "task_id": .string(task.id),
                "created": .string(EmulatorDates.utc(task.created)),
            ]
            if let finished = task.finished { fields["finished"] = .string(EmulatorDates.utc(finished)) }
            tasks = .object(fields)
        }
        observeAddon(clusterId: clusterId, name: name)
        return .success([
            "addon_info": ["component_name": .string(name), "version": version],
            "can_upgrade": false,
            "tasks": tasks,
        ])
    }
}
