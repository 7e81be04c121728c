import Audit

/// Resource Orchestration Service templates (JSON or YAML): the ACK cluster resources and
/// `ALIYUN::CS::ClusterAddons`. `Ref` and `Fn::` functions are resolved by ROS when the stack is created, so they
/// are unknown here.
enum ROSTemplateReader {
    static let managedCluster = "ALIYUN::CS::ManagedKubernetesCluster"
    static let dedicatedCluster = "ALIYUN::CS::KubernetesCluster"
    static let serverlessCluster = "ALIYUN::CS::ASKCluster"
    static let clusterAddons = "ALIYUN::CS::ClusterAddons"

    static func isTemplate(_ root: SourceNode) -> Bool {
        if root["ROSTemplateFormatVersion"] != nil { return true }
        return root["Resources"]?.members?.contains { $0.value["Type"]?.stringValue?.hasPrefix("ALIYUN::") == true }
            ?? false
    }

    static func read(_ root: SourceNode, file: String) -> (
        clusters: [PlannedCluster], addonResources: [PlannedAddonResource]
    ) {
        let resources = root["Resources"]?.members ?? []
        let context = Context(parameters: root["Parameters"], resourceIds: Set(resources.map(\.key)))
        var clusters: [PlannedCluster] = []
        var addons: [PlannedAddonResource] = []
        for resource in resources {
            guard let type = resource.value["Type"]?.stringValue else { continue }
            switch type {
            case managedCluster, dedicatedCluster, serverlessCluster:
                clusters.append(cluster(resource, type: type, file: file, context: context))
            case clusterAddons:
                addons += addonResources(resource, file: file, context: context)
            default:
                break
            }
        }
        return (clusters, addons)
    }

    private struct Context {
        var parameters: SourceNode?
        var resourceIds: Set<String>

        /// The value of a property, with intrinsic functions unknown.
        func value(_ node: SourceNode?, path: String) -> IaCValue {
            guard let node else { return .null }
            if let function = function(node) {
                return .unknown("it uses \(function), which ROS resolves when the stack is created")
            }
            switch node.value {
            case .null: return .null
            case .bool(let flag): return .bool(flag)
            case .number(let number): return .number(number)
            case .string(let text): return .string(text)
            case .array(let items):
                return .list(items.enumerated().map { value($0.element, path: "\(path)[\($0.offset)]") })
            case .object(let members):
                var result: [String: IaCValue] = [:]
                for member in members { result[member.key] = value(member.value, path: "\(path).\(member.key)") }
                return .object(result)
            case .tagged(let tag, _):
                return .unknown("it uses \(tag), which ROS resolves when the stack is created")
            }
        }

        /// `Ref NAME` (with the parameter's default, when it has one) or `Fn::…` when the node is a function call.
        func function(_ node: SourceNode) -> String? {
            if case .tagged(let tag, let inner) = node.value {
                return "\(tag) \(inner.stringValue ?? inner.json.serialized())"
            }
            guard let members = node.members, members.count == 1 else { return nil }
            let key = members[0].key
            if key == "Ref" {
                let name = members[0].value.stringValue ?? "?"
                if let defaultValue = parameters?[name]?["Default"] {
                    return "Ref \(name) (a parameter whose default is \(defaultValue.json.serialized()))"
                }
                return "Ref \(name)"
            }
            if key.hasPrefix("Fn::") { return key }
            return nil
        }

        /// The logical id a `ClusterId` refers to (`{"Ref": "K8s"}`, `{"Fn::GetAtt": ["K8s", "ClusterId"]}`,
        /// `!Ref K8s`, `!GetAtt K8s.ClusterId`).
        func referencedResource(_ node: SourceNode) -> String? {
            var candidate: String?
            if case .tagged(let tag, let inner) = node.value {
                if tag == "!Ref" { candidate = inner.stringValue }
                if tag == "!GetAtt" {
                    candidate =
                        inner.stringValue?.split(separator: ".").first.map(String.init)
                        ?? inner.items?.first?.stringValue
                }
            } else if let members = node.members, members.count == 1 {
                if members[0].key == "Ref" { candidate = members[0].value.stringValue }
                if members[0].key == "Fn::GetAtt" {
                    candidate =
                        members[0].value.items?.first?.stringValue
                        ?? members[0].value.stringValue?.split(separator: ".").first.map(String.init)
                }
            }
            guard let candidate, resourceIds.contains(candidate) else { return nil }
            return candidate
        }
    }

    private static func cluster(_ resource: SourceNode.Member, type: String, file: String, context: Context)
        -> PlannedCluster
    {
        let id = resource.key
        let properties = resource.value["Properties"]
        var serverless: String?
        if type == serverlessCluster {
            serverless = serverlessCluster
        } else if properties?["Profile"]?.stringValue?.lowercased() == "serverless" {
            serverless = "Profile: Serverless"
        }
        var notes: [String] = []
        if let condition = resource.value["Condition"] {
            notes.append(
                "created only when the condition \(condition.stringValue ?? condition.json.serialized()) holds")
        }
        var cluster = PlannedCluster(
            scope: file, address: id, resourceType: type, kind: .ros, serverlessReason: serverless,
            name: properties?["Name"]?.stringValue, region: nil, location: resource.keyPosition.location(in: file),
            addons: [], unknownAddons: [], hints: [], notes: notes, knownClusterId: nil)
        if let addonsMember = properties?.member("Addons") {
            let node = addonsMember.value
            if let function = context.function(node)
                ?? (node.items == nil && !node.isNull ? "a value that is not a list" : nil)
            {
                cluster.unknownAddons.append(
                    UnknownAddons(
                        attribute: "Properties.Addons",
                        reason: "it uses \(function), resolved when the stack is created",
                        location: addonsMember.keyPosition.location(in: file)))
            }
            for (index, item) in (node.items ?? []).enumerated() {
                cluster.addons.append(
                    addon(item, path: "Properties.Addons[\(index)]", file: file, context: context))
            }
        }
        if properties?["ContainerCidr"] != nil { cluster.hints.append("ContainerCidr is set, as Flannel needs") }
        if properties?["PodVswitchIds"] != nil { cluster.hints.append("PodVswitchIds is set, as Terway needs") }
        return cluster
    }

    private static func addon(_ item: SourceNode, path: String, file: String, context: Context) -> PlannedAddon {
        if let function = context.function(item) {
            return PlannedAddon(
                path: path, name: .unknown("it uses \(function), which ROS resolves when the stack is created"),
                config: nil, disabled: nil, location: item.position.location(in: file), configLocation: nil,
                nameLocation: nil, configPath: path + ".Config")
        }
        let config = item.member("Config")
        let disabled = item.member("Disabled")
        return PlannedAddon(
            path: path, name: context.value(item["Name"], path: path + ".Name"),
            config: config.map { context.value($0.value, path: path + ".Config") },
            disabled: disabled.map { context.value($0.value, path: path + ".Disabled") },
            location: item.position.location(in: file), configLocation: config?.keyPosition.location(in: file),
            nameLocation: item.member("Name")?.keyPosition.location(in: file), configPath: path + ".Config")
    }

    private static func addonResources(_ resource: SourceNode.Member, file: String, context: Context)
        -> [PlannedAddonResource]
    {
        let id = resource.key
        let properties = resource.value["Properties"]
        let target: PlannedAddonResource.Target
        if let clusterId = properties?["ClusterId"] {
            if let referenced = context.referencedResource(clusterId) {
                target = .address(referenced)
            } else if let literal = clusterId.stringValue {
                target = .clusterId(literal)
            } else {
                let function = context.function(clusterId) ?? "a value that is not a string"
                var description = "\(id).ClusterId"
                if let parameter = clusterId["Ref"]?.stringValue {
                    description = "Ref \(parameter)"
                } else if case .tagged("!Ref", let inner) = clusterId.value, let parameter = inner.stringValue {
                    description = "Ref \(parameter)"
                }
                target = .unknown(
                    description: description, reason: "ClusterId uses \(function), resolved when the stack is created")
            }
        } else {
            target = .unknown(description: "\(id).ClusterId", reason: "the resource has no ClusterId")
        }
        var notes: [String] = []
        if let condition = resource.value["Condition"] {
            notes.append(
                "created only when the condition \(condition.stringValue ?? condition.json.serialized()) holds")
        }
        return (properties?["Addons"]?.items ?? []).enumerated().map { index, item in
            let path = "\(id).Properties.Addons[\(index)]"
            let entry = addon(item, path: path, file: file, context: context)
            return PlannedAddonResource(
                scope: file, address: id, resourceType: clusterAddons, kind: .ros, target: target, path: path,
                name: entry.name, config: entry.config, location: entry.location,
                configLocation: entry.configLocation, nameLocation: entry.nameLocation, configPath: entry.configPath,
                notes: notes)
        }
    }
}
