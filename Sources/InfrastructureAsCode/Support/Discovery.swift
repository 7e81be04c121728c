/// What the given paths hold: Terraform folders, explicit `.tfvars` files, JSON and YAML documents.
struct Discovery {
    var folders: [String] = []
    /// For folders named only through some of their `.tf` files: the files whose resources are reported.
    var fileFilters: [String: Set<String>?] = [:]
    var variableFiles: [String] = []
    var documents: [(path: String, explicit: Bool)] = []
    /// Folders already walked, by their real path (a symbolic link to a parent folder must not loop).
    private var walked: Set<String> = []

    mutating func discover(_ path: String, workspace: IaCWorkspace) {
        let normalized = FilePath.normalize(path)
        guard IaCWorkspace.exists(normalized) else {
            workspace.diagnose(path, nil, "no such file or folder")
            return
        }
        if IaCWorkspace.isDirectory(normalized) {
            walk(normalized, workspace: workspace)
        } else {
            file(normalized, workspace: workspace)
        }
    }

    private mutating func walk(_ directory: String, workspace: IaCWorkspace) {
        guard walked.insert(IaCWorkspace.realPath(directory)).inserted else { return }
        var hasTerraform = false
        for name in IaCWorkspace.entries(of: directory) {
            let path = FilePath.join(directory, name)
            if IaCWorkspace.isDirectory(path) {
                walk(path, workspace: workspace)
            } else if name.hasSuffix(".tf") {
                hasTerraform = true
            } else if name.hasSuffix(".tf.json") {
                workspace.notice("\(path): Terraform JSON configuration syntax is not evaluated; scan a plan instead")
            } else if name.hasSuffix(".json") && !name.hasSuffix(".tfvars.json") || name.hasSuffix(".yaml")
                || name.hasSuffix(".yml")
            {
                documents.append((path, false))
            }
        }
        if hasTerraform { addFolder(directory, file: nil) }
    }

    private mutating func file(_ path: String, workspace: IaCWorkspace) {
        if path.hasSuffix(".tf") {
            addFolder(FilePath.directory(of: path), file: path)
        } else if path.hasSuffix(".tfvars") || path.hasSuffix(".tfvars.json") {
            if !variableFiles.contains(path) { variableFiles.append(path) }
        } else if path.hasSuffix(".json") || path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            documents.append((path, true))
        } else {
            workspace.diagnose(
                path, nil, "not a Terraform file (.tf, .tfvars), a plan (.json) or a ROS template (.json, .yaml, .yml)")
        }
    }

    private mutating func addFolder(_ directory: String, file: String?) {
        let key = FilePath.normalize(directory)
        if !folders.contains(key) {
            folders.append(key)
            fileFilters[key] = file.map { Set([$0]) }
            return
        }
        guard case .some(.some(var files)) = fileFilters[key] else { return }
        guard let file else {
            fileFilters[key] = .some(nil)
            return
        }
        files.insert(file)
        fileFilters[key] = .some(files)
    }
}
