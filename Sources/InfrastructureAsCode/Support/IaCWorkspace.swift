import Foundation

/// The state of one scan: what was read, what failed, what to tell the user, and the parsed Terraform folders.
/// Lives for one `IaCScanner.scan` call, on one thread.
final class IaCWorkspace {
    var diagnostics: [IaCDiagnostic] = []
    var notices: [String] = []
    var filesScanned: [String] = []
    private var modules: [String: TerraformModule?] = [:]

    /// Files larger than this are refused (a plan of a very large estate is still far below it).
    static let maximumFileSize = 256 * 1024 * 1024

    func diagnose(_ file: String, _ position: SourcePosition?, _ message: String) {
        diagnostics.append(
            IaCDiagnostic(file: file, line: position?.line ?? 0, column: position?.column ?? 0, message: message))
    }

    func notice(_ message: String) {
        if !notices.contains(message) { notices.append(message) }
    }

    func markScanned(_ file: String) {
        if !filesScanned.contains(file) { filesScanned.append(file) }
    }

    /// The text of a file, or `nil` with a diagnostic.
    func readText(_ path: String) -> String? {
        let manager = FileManager.default
        if let size = (try? manager.attributesOfItem(atPath: path))?[.size] as? Int, size > Self.maximumFileSize {
            diagnose(path, nil, "the file is larger than \(Self.maximumFileSize / 1024 / 1024) MiB")
            return nil
        }
        guard let data = manager.contents(atPath: path) else {
            diagnose(path, nil, "cannot read the file")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnose(path, nil, "the file is not UTF-8 text")
            return nil
        }
        return text
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    /// The path with symbolic links resolved (to recognise a folder reached twice).
    static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// The entries of a folder, sorted; hidden entries left out.
    static func entries(of directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The Terraform module in `directory` (its `.tf` files parsed once per scan), or `nil` when the folder holds
    /// no `.tf` file.
    func module(at directory: String) -> TerraformModule? {
        let key = FilePath.normalize(directory)
        if let cached = modules[key] { return cached }
        let names = Self.entries(of: key).filter { !Self.isDirectory(FilePath.join(key, $0)) }
        let sources = names.filter { $0.hasSuffix(".tf") }
        guard !sources.isEmpty else {
            modules[key] = .some(nil)
            return nil
        }
        var module = TerraformModule(directory: key)
        for name in sources {
            let path = FilePath.join(key, name)
            guard let text = readText(path) else { continue }
            markScanned(path)
            do {
                module.add(try HCLParser.parseFile(text), file: path)
            } catch {
                diagnose(path, error.position, error.message)
            }
        }
        let automatic =
            ["terraform.tfvars", "terraform.tfvars.json"].filter { names.contains($0) }
            + names.filter { $0.hasSuffix(".auto.tfvars") || $0.hasSuffix(".auto.tfvars.json") }
        module.automaticVariableFiles = automatic.map { FilePath.join(key, $0) }
        module.otherVariableFiles = names.filter {
            ($0.hasSuffix(".tfvars") || $0.hasSuffix(".tfvars.json")) && !automatic.contains($0)
        }.map { FilePath.join(key, $0) }
        modules[key] = .some(module)
        return module
    }
}
