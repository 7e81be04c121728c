import Audit
import Foundation

/// The state of one scan: what was read, what failed, what to tell the user, and the parsed Terraform folders.
/// Lives for one `IaCScanner.scan` call, on one thread.
final class IaCWorkspace {
    var diagnostics: [IaCDiagnostic] = []
    var notices: [String] = []
    var filesScanned: [String] = []
    private var modules: [String: TerraformModule?] = [:]

    /// The bounds of every reader in this scan (file size, nesting, values, string length, YAML aliases).
    let limits: ParseLimits
    /// The bounds of Terraform evaluation in this scan.
    let budget: EvaluationBudget

    init(limits: ParseLimits = .default, budget: EvaluationBudget = EvaluationBudget()) {
        self.limits = limits
        self.budget = budget
    }

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

    /// The text of a regular file within `limits.maximumInputSize`, or `nil` with a diagnostic.
    func readText(_ path: String) -> String? {
        let bytes: [UInt8]
        switch BoundedFile.read(path, limits: limits) {
        case .success(let read): bytes = read
        case .failure(let problem):
            diagnose(path, nil, problem.message)
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
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

    /// The absolute path with symbolic links resolved (to recognise a folder reached twice, or by another spelling);
    /// the absolute lexical path when it cannot be resolved (a link loop, a missing folder).
    static func realPath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return FilePath.normalize(absolute)
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
                module.add(try HCLParser.parseFile(text, limits: limits), file: path)
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
