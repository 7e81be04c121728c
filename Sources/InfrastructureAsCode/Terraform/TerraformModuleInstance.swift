import Audit

/// A Terraform module with its variable values: evaluates its expressions and finds its cluster and add-on
/// resources, recursing into local child modules.
final class TerraformModuleInstance {
    static let clusterTypes: Set<String> = [
        "alicloud_cs_managed_kubernetes", "alicloud_cs_kubernetes", "alicloud_cs_serverless_kubernetes",
    ]
    static let addonType = "alicloud_cs_kubernetes_addon"
    static let maximumDepth = 16
    /// Module block arguments that are not inputs.
    static let moduleMetaArguments: Set<String> = ["source", "version", "count", "for_each", "providers", "depends_on"]

    let module: TerraformModule
    /// `""` for a root module, `module.a.` (`module.a.module.b.`) for children.
    let prefix: String
    let inputs: [String: IaCValue]
    /// Why a variable without a default has no value here (for messages).
    let missingValueHint: String
    let workspace: IaCWorkspace
    let rootDirectory: String
    let depth: Int
    let ancestry: [String]
    /// Notes inherited from the module calls above (`count`, `for_each`).
    let inheritedNotes: [String]
    private let inheritedRegions: [String: String]
    private var regionCache: [String: String]?
    private var variableCache: [String: IaCValue] = [:]
    private var localCache: [String: IaCValue] = [:]
    private var localsInProgress: Set<String> = []
    private var children: [String: TerraformModuleInstance?] = [:]
    private var childrenInProgress: Set<String> = []

    init(
        module: TerraformModule, prefix: String, inputs: [String: IaCValue], missingValueHint: String,
        workspace: IaCWorkspace, rootDirectory: String, depth: Int = 0, ancestry: [String] = [],
        inheritedNotes: [String] = [], inheritedRegions: [String: String] = [:]
    ) {
        self.module = module
        self.prefix = prefix
        self.inputs = inputs
        self.missingValueHint = missingValueHint
        self.workspace = workspace
        self.rootDirectory = rootDirectory
        self.depth = depth
        self.ancestry = ancestry + [module.directory]
        self.inheritedNotes = inheritedNotes
        self.inheritedRegions = inheritedRegions
    }

    var evaluator: HCLEvaluator {
        HCLEvaluator(
            resolveReference: { [unowned self] root, steps in self.resolve(root, steps) },
            readFile: { [unowned self] path in self.readFile(path) }, budget: workspace.budget)
    }

    /// Evaluates within the scan's budget: the outermost evaluation gets a fresh allowance (`EvaluationBudget`).
    func evaluate(_ expression: HCLExpression) -> IaCValue {
        workspace.budget.begin()
        defer { workspace.budget.end() }
        return evaluator.evaluate(expression)
    }

    // MARK: - Names

    private func resolve(_ root: String, _ steps: [HCLResolvedStep]) -> (value: IaCValue, consumed: Int)? {
        func name(_ position: Int) -> String? {
            guard position < steps.count, case .attribute(let name) = steps[position] else { return nil }
            return name
        }
        switch root {
        case "var":
            guard let variable = name(0) else { return (.invalid("'var' must be followed by a variable name"), 0) }
            return (self.variable(variable), 1)
        case "local":
            guard let local = name(0) else { return (.invalid("'local' must be followed by a name"), 0) }
            return (self.local(local), 1)
        case "module":
            guard let call = name(0) else { return (.invalid("'module' must be followed by a module name"), 0) }
            guard let output = name(1) else { return (.unknown("module.\(call) as a whole is not evaluated"), 1) }
            return (moduleOutput(call, output), 2)
        case "data":
            let text = "data" + steps.prefix(3).map(\.text).joined()
            return (.unknown("\(text) is read by Terraform at plan time"), min(3, steps.count))
        case "count":
            return (.unknown("count.index differs per instance (the resource is evaluated once)"), min(1, steps.count))
        case "each":
            return (
                .unknown("each.\(name(0) ?? "value") differs per instance (the resource is evaluated once)"),
                min(1, steps.count)
            )
        case "path":
            switch name(0) {
            case "module": return (.string(module.directory), 1)
            case "root": return (.string(rootDirectory), 1)
            case "cwd": return (.string("."), 1)
            default: return (.invalid("unknown path attribute"), 1)
            }
        case "terraform":
            return (
                .unknown("terraform.\(name(0) ?? "workspace") is known only when Terraform runs"), min(1, steps.count)
            )
        case "self":
            return (.unknown("self is known only after apply"), steps.count)
        default:
            guard let resourceName = name(0) else { return nil }
            let address = prefix + root + "." + resourceName
            let text = address + steps.dropFirst().map(\.text).joined()
            guard module.resources.contains(where: { $0.type == root && $0.name == resourceName }) else {
                return (
                    .unknown(
                        "\(text) refers to a resource not declared in \(module.directory) (or in a file that "
                            + "could not be parsed)"), steps.count
                )
            }
            return (.unknown("\(text) is known only after apply", reference: address), 1)
        }
    }

    private var variableScope: String { prefix.isEmpty ? "" : " of \(prefix.dropLast())" }

    func variable(_ name: String) -> IaCValue {
        if let cached = variableCache[name] { return cached }
        let value: IaCValue
        if let declaration = module.variables[name] {
            if let input = inputs[name] {
                value = TerraformVariableFile.convert(input, to: declaration.type)
            } else if let defaultValue = declaration.defaultValue {
                let constant = HCLEvaluator(
                    resolveReference: { _, _ in nil }, readFile: { _ in .invalid("file() in a variable default") },
                    budget: workspace.budget)
                workspace.budget.begin()
                value = TerraformVariableFile.convert(constant.evaluate(defaultValue), to: declaration.type)
                workspace.budget.end()
            } else {
                value = .unknown("var.\(name)\(variableScope) has no value (\(missingValueHint))")
            }
        } else if let input = inputs[name] {
            value = input
        } else {
            value = .unknown(
                "var.\(name)\(variableScope) is not declared (or is declared in a file that could not be parsed)")
        }
        variableCache[name] = value
        return value
    }

    func local(_ name: String) -> IaCValue {
        if let cached = localCache[name] { return cached }
        guard let declaration = module.locals[name] else {
            return .unknown(
                "local.\(name)\(variableScope) is not declared (or is declared in a file that could not be parsed)")
        }
        guard !localsInProgress.contains(name) else { return .invalid("local.\(name) refers to itself") }
        localsInProgress.insert(name)
        let outerStop = workspace.budget.unclaimedStop
        workspace.budget.unclaimedStop = nil
        let value = evaluate(declaration.expression)
        if let stop = workspace.budget.unclaimedStop {
            // Evaluation stopped inside this local, not in one it uses (that one claimed its own stop): name it.
            let position = declaration.position
            workspace.notice(
                "\(declaration.file):\(position.line):\(position.column): local.\(name)\(variableScope) is not "
                    + "evaluated: \(stop); values that use it are unknown")
        }
        workspace.budget.unclaimedStop = outerStop
        localsInProgress.remove(name)
        localCache[name] = value
        return value
    }

    private func moduleOutput(_ call: String, _ output: String) -> IaCValue {
        guard let child = child(call) else {
            return .unknown("module.\(call).\(output) comes from a module ackguard does not evaluate")
        }
        guard let declaration = child.module.outputs[output] else {
            return .invalid("module.\(call) has no output '\(output)'")
        }
        return child.evaluate(declaration.expression)
    }

    private func readFile(_ path: String) -> IaCValue {
        let full = FilePath.join(module.directory, path)
        guard IaCWorkspace.exists(full), !IaCWorkspace.isDirectory(full) else {
            return .invalid("file(\"\(path)\"): no such file")
        }
        guard let text = workspace.readText(full) else { return .invalid("file(\"\(path)\") cannot be read") }
        workspace.markScanned(full)
        return .string(text)
    }

    // MARK: - Providers

    /// Literal regions of the `alicloud` provider configurations visible here, by `alicloud` / `alicloud.ALIAS`.
    private var regions: [String: String] {
        if let regionCache { return regionCache }
        var regions = inheritedRegions
        for provider in module.providers where provider.name == "alicloud" {
            let key = provider.alias.map { "alicloud.\($0)" } ?? "alicloud"
            if let attribute = provider.body.attribute("region"),
                let region = evaluate(attribute.expression).stringValue
            {
                regions[key] = region
            } else {
                regions[key] = nil
            }
        }
        regionCache = regions
        return regions
    }

    private func region(of body: HCLBody) -> String? {
        if let provider = body.attribute("provider")?.expression.traversalText { return regions[provider] }
        return regions["alicloud"]
    }

    // MARK: - Child modules

    private func child(_ name: String) -> TerraformModuleInstance? {
        if let cached = children[name] { return cached }
        guard !childrenInProgress.contains(name),
            let call = module.moduleCalls.first(where: { $0.name == name })
        else { return nil }
        childrenInProgress.insert(name)
        defer { childrenInProgress.remove(name) }
        let address = prefix + "module.\(name)"
        let instance = makeChild(call, address: address)
        children[name] = .some(instance)
        return instance
    }

    private func makeChild(_ call: TerraformModule.ModuleCall, address: String) -> TerraformModuleInstance? {
        guard let source = call.source else {
            workspace.notice("\(address) (\(call.file)): the module source is not a literal string; not scanned")
            return nil
        }
        guard TerraformModule.isLocalSource(source) else {
            workspace.notice(
                "\(address) (\(call.file)): the module source \"\(source)\" is not a local folder; not scanned")
            return nil
        }
        let directory = FilePath.join(module.directory, source)
        let target = IaCWorkspace.realPath(directory)
        if let first = ancestry.firstIndex(where: { IaCWorkspace.realPath($0) == target }) {
            // `./`, `../`, the same folder by another spelling or through a symbolic link: Terraform would recurse
            // forever. What the folders declare is checked once, where the chain reached them first.
            let chain = (ancestry[first...] + [directory]).joined(separator: " → ")
            workspace.notice("\(address) (\(call.file)): module cycle \(chain); not scanned again")
            return nil
        }
        guard depth < Self.maximumDepth else {
            workspace.notice(
                "\(address) (\(call.file)): modules nest deeper than \(Self.maximumDepth) levels; not scanned")
            return nil
        }
        guard let childModule = workspace.module(at: directory) else {
            workspace.notice("\(address) (\(call.file)): no .tf file in \(directory); not scanned")
            return nil
        }
        var inputs: [String: IaCValue] = [:]
        for attribute in call.block.body.attributes where !Self.moduleMetaArguments.contains(attribute.name) {
            inputs[attribute.name] = evaluate(attribute.expression)
        }
        var childRegions = regions
        if case .object(let items, _)? = call.block.body.attribute("providers")?.expression {
            for item in items {
                guard case .name(let key) = item.key, let target = item.value.traversalText else { continue }
                childRegions[key] = regions[target]
            }
        }
        let notes = inheritedNotes + [instanceNote(call.block.body, address: address).note].compactMap { $0 }
        return TerraformModuleInstance(
            module: childModule, prefix: address + ".", inputs: inputs,
            missingValueHint: "no default, and \(address) does not pass it", workspace: workspace,
            rootDirectory: rootDirectory, depth: depth + 1, ancestry: ancestry, inheritedNotes: notes,
            inheritedRegions: childRegions)
    }

    /// `count` / `for_each`: whether the block yields no instance at all, and what to say about evaluating it once.
    private func instanceNote(_ body: HCLBody, address: String) -> (skip: Bool, note: String?) {
        if let count = body.attribute("count") {
            let value = evaluate(count.expression)
            if let number = value.numberValue {
                if number <= 0 { return (true, nil) }
                if number == 1 { return (false, nil) }
                return (
                    false,
                    "\(address) has count = \(JSONValue.number(number).serialized()): evaluated once for every instance"
                )
            }
            return (false, "\(address) has a count not known before apply: evaluated once")
        }
        if let forEach = body.attribute("for_each") {
            let value = evaluate(forEach.expression)
            switch value {
            case .list(let items):
                if items.isEmpty { return (true, nil) }
                return (false, "\(address) has for_each over \(items.count) instance(s): evaluated once")
            case .object(let members):
                if members.isEmpty { return (true, nil) }
                return (false, "\(address) has for_each over \(members.count) instance(s): evaluated once")
            default:
                return (false, "\(address) has a for_each not known before apply: evaluated once")
            }
        }
        return (false, nil)
    }

    // MARK: - Resources

    /// The cluster and add-on resources of this module and its local child modules.
    func collect(
        clusters: inout [PlannedCluster], addonResources: inout [PlannedAddonResource], fileFilter: Set<String>? = nil
    ) {
        for resource in module.resources where fileFilter?.contains(resource.file) ?? true {
            if Self.clusterTypes.contains(resource.type) {
                if let cluster = plannedCluster(resource) { clusters.append(cluster) }
            } else if resource.type == Self.addonType {
                if let addon = plannedAddonResource(resource) { addonResources.append(addon) }
            }
        }
        for call in module.moduleCalls where fileFilter?.contains(call.file) ?? true {
            let address = prefix + "module.\(call.name)"
            if instanceNote(call.block.body, address: address).skip {
                workspace.notice("\(address) (\(call.file)): count or for_each gives no instance; not scanned")
                continue
            }
            child(call.name)?.collect(clusters: &clusters, addonResources: &addonResources)
        }
    }

    private func plannedCluster(_ resource: TerraformModule.Resource) -> PlannedCluster? {
        let body = resource.block.body
        let address = prefix + resource.address
        let instances = instanceNote(body, address: address)
        if instances.skip {
            workspace.notice("\(address) (\(resource.file)): count or for_each gives no instance; not evaluated")
            return nil
        }
        let file = resource.file
        var serverless: String?
        if resource.type == "alicloud_cs_serverless_kubernetes" {
            serverless = "alicloud_cs_serverless_kubernetes"
        } else if let profile = body.attribute("profile"),
            evaluate(profile.expression).stringValue?.lowercased() == "serverless"
        {
            serverless = "profile = \"Serverless\""
        }
        var cluster = PlannedCluster(
            scope: rootDirectory, address: address, resourceType: resource.type, kind: .terraform,
            serverlessReason: serverless,
            name: body.attribute("name").flatMap { evaluate($0.expression).stringValue },
            region: region(of: body), location: resource.block.position.location(in: file), addons: [],
            unknownAddons: [], hints: [], notes: inheritedNotes + [instances.note].compactMap { $0 },
            knownClusterId: nil)
        var index = 0
        for block in body.blocks {
            if block.type == "addons" {
                cluster.addons.append(
                    plannedAddon(block.body, path: "addons[\(index)]", at: block.position, file: file))
                index += 1
            } else if block.type == "dynamic", block.labels == ["addons"] {
                let forEach = block.body.attribute("for_each")?.expression
                let what = forEach?.traversalText.map { "for_each = \($0)" } ?? "its for_each"
                cluster.unknownAddons.append(
                    UnknownAddons(
                        attribute: "dynamic \"addons\"",
                        reason: "a dynamic block expands only when Terraform runs (\(what))",
                        location: block.position.location(in: file)))
            }
        }
        if let attribute = body.attribute("addons") {
            let location = attribute.position.location(in: file)
            switch evaluate(attribute.expression) {
            case .list(let items):
                for item in items {
                    let members = item.objectValue ?? [:]
                    cluster.addons.append(
                        PlannedAddon(
                            path: "addons[\(index)]", name: members["name"] ?? .null, config: members["config"],
                            disabled: members["disabled"], location: location, configLocation: location,
                            nameLocation: location, configPath: "addons[\(index)].config"))
                    index += 1
                }
            case .unknown(let unknown):
                cluster.unknownAddons.append(
                    UnknownAddons(attribute: "addons", reason: unknown.reason, location: location))
            default:
                break
            }
        }
        if body.attribute("pod_cidr") != nil { cluster.hints.append("pod_cidr is set, as Flannel needs") }
        if body.attribute("pod_vswitch_ids") != nil { cluster.hints.append("pod_vswitch_ids is set, as Terway needs") }
        return cluster
    }

    private func plannedAddon(_ body: HCLBody, path: String, at position: SourcePosition, file: String) -> PlannedAddon
    {
        let name = body.attribute("name")
        let config = body.attribute("config")
        let disabled = body.attribute("disabled")
        return PlannedAddon(
            path: path, name: name.map { evaluate($0.expression) } ?? .null,
            config: config.map { evaluate($0.expression) }, disabled: disabled.map { evaluate($0.expression) },
            location: position.location(in: file), configLocation: config?.position.location(in: file),
            nameLocation: name?.position.location(in: file), configPath: path + ".config")
    }

    private func plannedAddonResource(_ resource: TerraformModule.Resource) -> PlannedAddonResource? {
        let body = resource.block.body
        let address = prefix + resource.address
        let instances = instanceNote(body, address: address)
        if instances.skip { return nil }
        let target: PlannedAddonResource.Target
        if let attribute = body.attribute("cluster_id") {
            let value = evaluate(attribute.expression)
            if case .unknown(let unknown) = value {
                if let reference = unknown.reference {
                    target = .address(reference)
                } else {
                    target = .unknown(
                        description: attribute.expression.traversalText.map { prefix + $0 } ?? "\(address).cluster_id",
                        reason: unknown.reason)
                }
            } else if let id = value.stringValue {
                target = .clusterId(id)
            } else {
                target = .unknown(description: "\(address).cluster_id", reason: "cluster_id is not a string")
            }
        } else {
            target = .unknown(description: "\(address).cluster_id", reason: "the resource has no cluster_id")
        }
        let name = body.attribute("name")
        let config = body.attribute("config")
        return PlannedAddonResource(
            scope: rootDirectory, address: address, resourceType: resource.type, kind: .terraform, target: target,
            path: address, name: name.map { evaluate($0.expression) } ?? .null,
            config: config.map { evaluate($0.expression) },
            location: resource.block.position.location(in: resource.file),
            configLocation: config?.position.location(in: resource.file),
            nameLocation: name?.position.location(in: resource.file), configPath: address + ".config",
            notes: inheritedNotes + [instances.note].compactMap { $0 })
    }
}
