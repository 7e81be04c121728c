import Audit

/// `terraform show -json` output (a plan, or a state): the cluster and add-on resources with their planned values.
/// Values Terraform knows only after apply (`after_unknown`) become unknown values naming the attribute.
enum TerraformPlanReader {
    /// Whether a JSON document is `terraform show -json` output.
    static func isPlan(_ root: SourceNode) -> Bool {
        guard root.members != nil else { return false }
        if root["planned_values"] != nil || root["resource_changes"] != nil { return true }
        return root["format_version"] != nil && (root["terraform_version"] != nil || root["values"] != nil)
    }

    private struct Entry {
        var address: String
        var type: String
        var moduleAddress: String?
        var node: SourceNode
        var addressPosition: SourcePosition
        var values: SourceNode?
        var unknown: SourceNode?
        var actions: [String]
    }

    static func read(_ root: SourceNode, file: String) -> (
        clusters: [PlannedCluster], addonResources: [PlannedAddonResource]
    ) {
        let entries = self.entries(root)
        let region = root["configuration"]?["provider_config"]?["alicloud"]?["expressions"]?["region"]?[
            "constant_value"]?.stringValue
        var clusters: [PlannedCluster] = []
        var addons: [PlannedAddonResource] = []
        for entry in entries {
            if TerraformModuleInstance.clusterTypes.contains(entry.type) {
                clusters.append(cluster(entry, file: file, region: region))
            } else if entry.type == TerraformModuleInstance.addonType {
                addons.append(addonResource(entry, file: file, root: root))
            }
        }
        return (clusters, addons)
    }

    private static func entries(_ root: SourceNode) -> [Entry] {
        func make(_ node: SourceNode, values: SourceNode?, unknown: SourceNode?, actions: [String]) -> Entry? {
            guard let address = node["address"]?.stringValue, let type = node["type"]?.stringValue,
                node["mode"]?.stringValue ?? "managed" == "managed"
            else { return nil }
            return Entry(
                address: address, type: type, moduleAddress: node["module_address"]?.stringValue, node: node,
                addressPosition: node.member("address")?.keyPosition ?? node.position, values: values,
                unknown: unknown, actions: actions)
        }
        if let changes = root["resource_changes"]?.items, !changes.isEmpty {
            return changes.compactMap { change -> Entry? in
                let actions = change["change"]?["actions"]?.items?.compactMap(\.stringValue) ?? []
                if actions == ["delete"] || actions == ["forget"] { return nil }
                return make(
                    change, values: change["change"]?["after"], unknown: change["change"]?["after_unknown"],
                    actions: actions)
            }
        }
        var result: [Entry] = []
        func walk(_ module: SourceNode?) {
            guard let module else { return }
            for resource in module["resources"]?.items ?? [] {
                if let entry = make(resource, values: resource["values"], unknown: nil, actions: []) {
                    result.append(entry)
                }
            }
            for child in module["child_modules"]?.items ?? [] { walk(child) }
        }
        walk(root["planned_values"]?["root_module"] ?? root["values"]?["root_module"])
        return result
    }

    /// The value at `node`, with the parts `mask` (`after_unknown`) marks `true` unknown.
    static func value(_ node: SourceNode?, mask: SourceNode?) -> IaCValue {
        if case .bool(true)? = mask?.value { return .unknown("the plan marks it as known only after apply") }
        guard let node else { return .null }
        switch node.value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .tagged(_, let inner): return value(inner, mask: mask)
        case .array(let items):
            let masks = mask?.items ?? []
            return .list(
                items.enumerated().map { position, item in
                    value(item, mask: position < masks.count ? masks[position] : nil)
                })
        case .object(let members):
            var result: [String: IaCValue] = [:]
            for member in members {
                result[member.key] = value(member.value, mask: mask?[member.key])
            }
            for member in mask?.members ?? [] where result[member.key] == nil {
                if case .bool(true) = member.value.value {
                    result[member.key] = .unknown("the plan marks it as known only after apply")
                }
            }
            return .object(result)
        }
    }

    private static func attribute(_ entry: Entry, _ key: String) -> IaCValue? {
        let node = entry.values?[key]
        let mask = entry.unknown?[key]
        if node == nil && mask == nil { return nil }
        return value(node, mask: mask)
    }

    private static func cluster(_ entry: Entry, file: String, region: String?) -> PlannedCluster {
        var serverless: String?
        if entry.type == "alicloud_cs_serverless_kubernetes" {
            serverless = "alicloud_cs_serverless_kubernetes"
        } else if attribute(entry, "profile")?.stringValue?.lowercased() == "serverless" {
            serverless = "profile = \"Serverless\""
        }
        var notes: [String] = []
        if entry.actions.contains("delete") && entry.actions.contains("create") {
            notes.append("the plan replaces this cluster")
        }
        var cluster = PlannedCluster(
            scope: file, address: entry.address, resourceType: entry.type, kind: .terraformPlan,
            serverlessReason: serverless, name: attribute(entry, "name")?.stringValue, region: region,
            location: entry.addressPosition.location(in: file), addons: [], unknownAddons: [], hints: [],
            notes: notes, knownClusterId: attribute(entry, "id")?.stringValue)
        let addonsNode = entry.values?.member("addons")
        let addonsMask = entry.unknown?["addons"]
        if case .bool(true)? = addonsMask?.value {
            let position = addonsNode?.keyPosition ?? entry.addressPosition
            cluster.unknownAddons.append(
                UnknownAddons(
                    attribute: "addons", reason: "the plan marks the add-on list as known only after apply",
                    location: position.location(in: file)))
        }
        let masks = addonsMask?.items ?? []
        for (position, item) in (addonsNode?.value.items ?? []).enumerated() {
            let mask = position < masks.count ? masks[position] : nil
            let path = "addons[\(position)]"
            if case .bool(true)? = mask?.value {
                cluster.addons.append(
                    PlannedAddon(
                        path: path, name: .unknown("the plan marks it as known only after apply"), config: nil,
                        disabled: nil,
                        location: item.position.location(in: file), configLocation: nil, nameLocation: nil,
                        configPath: path + ".config"))
                continue
            }
            func field(_ key: String) -> IaCValue? {
                if item[key] == nil && mask?[key] == nil { return nil }
                return value(item[key], mask: mask?[key])
            }
            cluster.addons.append(
                PlannedAddon(
                    path: path, name: field("name") ?? .null, config: field("config"), disabled: field("disabled"),
                    location: item.position.location(in: file),
                    configLocation: item.member("config")?.keyPosition.location(in: file),
                    nameLocation: item.member("name")?.keyPosition.location(in: file), configPath: path + ".config"))
        }
        if entry.values?["pod_cidr"]?.stringValue.map({ !$0.isEmpty }) == true {
            cluster.hints.append("pod_cidr is set, as Flannel needs")
        }
        if entry.values?["pod_vswitch_ids"]?.items.map({ !$0.isEmpty }) == true
            || entry.unknown?["pod_vswitch_ids"] != nil
        {
            cluster.hints.append("pod_vswitch_ids is set, as Terway needs")
        }
        return cluster
    }

    private static func addonResource(_ entry: Entry, file: String, root: SourceNode) -> PlannedAddonResource {
        let target: PlannedAddonResource.Target
        let clusterId = attribute(entry, "cluster_id")
        if let id = clusterId?.stringValue {
            target = .clusterId(id)
        } else if let address = referencedCluster(entry, root: root) {
            target = .address(address)
        } else {
            let reason: String
            if case .unknown(let unknown)? = clusterId {
                reason = unknown.reason
            } else {
                reason = "cluster_id is not set"
            }
            target = .unknown(description: "\(entry.address).cluster_id", reason: reason)
        }
        let configMember = entry.values?.member("config")
        return PlannedAddonResource(
            scope: file, address: entry.address, resourceType: entry.type, kind: .terraformPlan, target: target,
            path: entry.address, name: attribute(entry, "name") ?? .null, config: attribute(entry, "config"),
            location: entry.addressPosition.location(in: file),
            configLocation: configMember?.keyPosition.location(in: file),
            nameLocation: entry.values?.member("name")?.keyPosition.location(in: file),
            configPath: entry.address + ".config", notes: [])
    }

    // MARK: - Following `configuration` references

    /// One module of the `configuration` tree, with the address prefix of its resources.
    private struct Frame {
        var module: SourceNode
        var prefix: String
        var callName: String?
    }

    /// The cluster an add-on resource's `cluster_id` refers to, from `configuration` (the plan's `after` has no
    /// value for an id that is known only after apply).
    private static func referencedCluster(_ entry: Entry, root: SourceNode) -> String? {
        guard var module = root["configuration"]?["root_module"] else { return nil }
        var frames = [Frame(module: module, prefix: "", callName: nil)]
        var prefix = ""
        if let moduleAddress = entry.moduleAddress {
            for segment in moduleAddress.split(separator: ".").enumerated() where segment.offset % 2 == 1 {
                let text = String(segment.element)
                let name = text.firstIndex(of: "[").map { String(text[..<$0]) } ?? text
                guard let child = module["module_calls"]?[name]?["module"] else { return nil }
                prefix += "module.\(text)."
                module = child
                frames.append(Frame(module: child, prefix: prefix, callName: name))
            }
        }
        let localAddress = entry.address.dropFirst(entry.moduleAddress.map { $0.count + 1 } ?? 0)
        let base = IaCRuleEvaluator.baseAddress(String(localAddress))
        guard let resource = module["resources"]?.items?.first(where: { $0["address"]?.stringValue == base }),
            let references = resource["expressions"]?["cluster_id"]?["references"]?.items?.compactMap(\.stringValue)
        else { return nil }
        return resolve(references, frames: frames, depth: 0)
    }

    private static func resolve(_ references: [String], frames: [Frame], depth: Int) -> String? {
        guard depth < 16, let frame = frames.last else { return nil }
        for reference in references {
            let parts = reference.split(separator: ".").map(String.init)
            guard parts.count >= 2 else { continue }
            let type = parts[0]
            if TerraformModuleInstance.clusterTypes.contains(type) {
                return frame.prefix + type + "." + parts[1]
            }
            if type == "module", parts.count >= 3 {
                let call = parts[1].firstIndex(of: "[").map { String(parts[1][..<$0]) } ?? parts[1]
                guard let child = frame.module["module_calls"]?[call]?["module"],
                    let inner = child["outputs"]?[parts[2]]?["expression"]?["references"]?.items?.compactMap(
                        \.stringValue)
                else { continue }
                let next = Frame(module: child, prefix: frame.prefix + "module.\(call).", callName: call)
                if let found = resolve(inner, frames: frames + [next], depth: depth + 1) { return found }
            }
            if type == "var", frames.count >= 2, let call = frame.callName {
                let parent = frames[frames.count - 2]
                guard
                    let inner = parent.module["module_calls"]?[call]?["expressions"]?[parts[1]]?["references"]?.items?
                        .compactMap(\.stringValue)
                else { continue }
                if let found = resolve(inner, frames: Array(frames.dropLast()), depth: depth + 1) { return found }
            }
        }
        return nil
    }
}
