public import Audit

/// `ackguard iac`: rule 1 evaluated on Terraform configurations (HCL), Terraform plans (`terraform show -json`) and
/// ROS templates, with every finding pointing at the file, line and column at fault.
public enum IaCScanner {
    /// Scans files or folders (recursively: `*.tf` with the `terraform.tfvars` and `*.auto.tfvars` beside them,
    /// `*.json` plans detected by `planned_values` / `resource_changes` / `format_version`, ROS templates `*.json`,
    /// `*.yaml`, `*.yml` detected by `ROSTemplateFormatVersion` or `ALIYUN::` resource types; hidden folders and
    /// `.terraform/` are skipped). Each Terraform folder is a module: its variables, locals and tfvars resolve
    /// together; folders called as local modules by another scanned folder are evaluated through that call.
    ///
    /// - Parameters:
    ///   - variableFiles: `.tfvars` / `.tfvars.json` files applied to every root module after the automatic ones
    ///     (as `terraform -var-file`); `.tfvars` files named in `paths` are applied the same way.
    ///   - variables: values applied last (as `terraform -var NAME=VALUE`).
    ///   - limits: the bounds of every reader (file size, nesting, values, string length, YAML aliases); Terraform
    ///     evaluation has its own budget (`EvaluationBudget`).
    public static func scan(
        paths: [String], variableFiles: [String] = [], variables: [String: String] = [:],
        limits: ParseLimits = .default
    ) -> IaCScanResult {
        let workspace = IaCWorkspace(limits: limits)
        var discovery = Discovery()
        for path in paths { discovery.discover(path, workspace: workspace) }

        var clusters: [PlannedCluster] = []
        var addonResources: [PlannedAddonResource] = []
        scanTerraform(
            discovery, variableFiles: variableFiles + discovery.variableFiles, variables: variables,
            workspace: workspace, clusters: &clusters, addonResources: &addonResources)
        for document in discovery.documents {
            scanDocument(
                document.path, explicit: document.explicit, workspace: workspace, clusters: &clusters,
                addonResources: &addonResources)
        }
        if workspace.filesScanned.isEmpty && workspace.diagnostics.isEmpty {
            workspace.diagnose(
                paths.joined(separator: ", "), nil,
                "no Terraform configuration (.tf), plan (terraform show -json) or ROS template found")
        }
        return IaCScanResult(
            findings: IaCRuleEvaluator.findings(clusters: clusters, addonResources: addonResources),
            diagnostics: workspace.diagnostics, filesScanned: workspace.filesScanned, notices: workspace.notices)
    }

    // MARK: - Terraform configurations

    private static func scanTerraform(
        _ discovery: Discovery, variableFiles: [String], variables: [String: String], workspace: IaCWorkspace,
        clusters: inout [PlannedCluster], addonResources: inout [PlannedAddonResource]
    ) {
        let roots = rootFolders(discovery.folders, workspace: workspace)
        var fileValues: [String: [String: IaCValue]] = [:]
        func values(of file: String) -> [String: IaCValue] {
            if let cached = fileValues[file] { return cached }
            let read = TerraformVariableFile.read(file, workspace: workspace)
            fileValues[file] = read
            return read
        }
        for folder in discovery.folders where roots.contains(folder) {
            guard let module = workspace.module(at: folder) else { continue }
            var inputs: [String: IaCValue] = [:]
            for file in module.automaticVariableFiles + variableFiles {
                inputs.merge(values(of: file)) { _, new in new }
            }
            for (name, text) in variables {
                inputs[name] = TerraformVariableFile.commandLineValue(text, type: module.variables[name]?.type)
            }
            for file in module.otherVariableFiles where !variableFiles.contains(file) {
                workspace.notice(
                    "\(file): Terraform reads this file only with -var-file; pass it with --var-file to use it")
            }
            let root = TerraformModuleInstance(
                module: module, prefix: "", inputs: inputs,
                missingValueHint: "no default, and no .tfvars file, --var-file or --var sets it", workspace: workspace,
                rootDirectory: folder)
            root.collect(
                clusters: &clusters, addonResources: &addonResources, fileFilter: discovery.fileFilters[folder] ?? nil)
        }
    }

    /// The folders evaluated as root modules: those no other scanned folder calls as a local module. Folders that
    /// call each other in a cycle (`source = "./"`, `"../"`, the same folder by another spelling or a symbolic link,
    /// A → B → A) and that nothing outside the cycle calls are reached through their first folder, so everything
    /// they declare is still checked once; the cycle itself is reported where the evaluation meets it.
    static func rootFolders(_ folders: [String], workspace: IaCWorkspace) -> Set<String> {
        let real = folders.map(IaCWorkspace.realPath)
        let index = Dictionary(real.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var calls: [Set<Int>] = Array(repeating: [], count: folders.count)
        for (position, folder) in folders.enumerated() {
            guard let module = workspace.module(at: folder) else { continue }
            for call in module.moduleCalls {
                guard let source = call.source, TerraformModule.isLocalSource(source),
                    let target = index[IaCWorkspace.realPath(FilePath.join(folder, source))]
                else { continue }
                calls[position].insert(target)
            }
        }
        func reachable(from start: Int) -> Set<Int> {
            var seen: Set<Int> = [start]
            var stack = [start]
            while let next = stack.popLast() {
                for target in calls[next] where seen.insert(target).inserted { stack.append(target) }
            }
            return seen
        }
        let reach = folders.indices.map(reachable(from:))
        var roots: Set<String> = []
        var covered: Set<Int> = []
        for position in folders.indices where !covered.contains(position) {
            // The folders in a cycle with this one (itself included), and whether anything else calls into them.
            let cycle = Set(reach[position].filter { reach[$0].contains(position) })
            let calledFromOutside = folders.indices.contains { caller in
                !cycle.contains(caller) && !calls[caller].isDisjoint(with: cycle)
            }
            covered.formUnion(cycle)
            if !calledFromOutside, let first = cycle.min() { roots.insert(folders[first]) }
        }
        return roots
    }

    // MARK: - Plans and templates

    private static func scanDocument(
        _ path: String, explicit: Bool, workspace: IaCWorkspace, clusters: inout [PlannedCluster],
        addonResources: inout [PlannedAddonResource]
    ) {
        guard let text = workspace.readText(path) else { return }
        let hinted = ["ROSTemplateFormatVersion", "resource_changes", "planned_values", "ALIYUN::", "format_version"]
            .contains { text.contains($0) }
        let root: SourceNode?
        if path.hasSuffix(".json") {
            do {
                root = try SourceJSONParser.parse(Array(text.utf8), limits: workspace.limits)
            } catch {
                if explicit || hinted {
                    workspace.diagnose(
                        path, SourcePosition(line: error.line, column: error.column), "invalid JSON: \(error.problem)")
                }
                return
            }
        } else {
            do {
                root = try SourceYAMLReader.parse(text, limits: workspace.limits)
            } catch {
                if explicit || hinted {
                    workspace.diagnose(
                        path, error.line > 0 ? SourcePosition(line: error.line, column: error.column) : nil,
                        error.message)
                }
                return
            }
        }
        guard let root else {
            if explicit { workspace.diagnose(path, nil, "the document is empty") }
            return
        }
        let found: (clusters: [PlannedCluster], addonResources: [PlannedAddonResource])
        if path.hasSuffix(".json"), TerraformPlanReader.isPlan(root) {
            found = TerraformPlanReader.read(root, file: path)
        } else if ROSTemplateReader.isTemplate(root) {
            found = ROSTemplateReader.read(root, file: path)
        } else {
            if explicit {
                workspace.diagnose(
                    path, nil,
                    "neither a Terraform plan (terraform show -json) nor a ROS template (no "
                        + "ROSTemplateFormatVersion, no ALIYUN:: resource)")
            }
            return
        }
        workspace.markScanned(path)
        clusters += found.clusters
        addonResources += found.addonResources
    }
}
