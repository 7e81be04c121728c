import Audit

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
    public static func scan(
        paths: [String], variableFiles: [String] = [], variables: [String: String] = [:]
    ) -> IaCScanResult {
        let workspace = IaCWorkspace()
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
        var called: Set<String> = []
        for folder in discovery.folders {
            guard let module = workspace.module(at: folder) else { continue }
            for call in module.moduleCalls {
                if let source = call.source, TerraformModule.isLocalSource(source) {
                    called.insert(FilePath.join(folder, source))
                }
            }
        }
        var fileValues: [String: [String: IaCValue]] = [:]
        func values(of file: String) -> [String: IaCValue] {
            if let cached = fileValues[file] { return cached }
            let read = TerraformVariableFile.read(file, workspace: workspace)
            fileValues[file] = read
            return read
        }
        for folder in discovery.folders where !called.contains(folder) {
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
                root = try SourceJSONParser.parse(Array(text.utf8))
            } catch {
                if explicit || hinted {
                    workspace.diagnose(
                        path, SourcePosition(line: error.line, column: error.column), "invalid JSON: \(error.problem)")
                }
                return
            }
        } else {
            do {
                root = try SourceYAMLReader.parse(text)
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
