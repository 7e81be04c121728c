import Foundation
public import Reports

/// What an `--output` file name says about its format, and whether the file can be written at all.
public enum OutputFile {
    /// File name endings and the format each implies, the most specific first (`.ocsf.json` before `.json`).
    public static let suffixes: [(suffix: String, format: ReportFormat)] = [
        (".ocsf.json", .ocsf), (".sarif.json", .sarif), (".sarif", .sarif), (".json", .json), (".xml", .junit),
        (".csv", .csv), (".html", .html), (".htm", .html), (".txt", .table), (".log", .table),
    ]

    /// Formats that may also be written under another format's ending: OCSF and SARIF are JSON documents.
    public static let alsoAccepted: [ReportFormat: Set<String>] = [.ocsf: [".json"], .sarif: [".json"]]

    /// The matching suffix and its format, or nil for a name without a known ending.
    public static func match(_ path: String) -> (suffix: String, format: ReportFormat)? {
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        return suffixes.first { name.hasSuffix($0.suffix) && name.count > $0.suffix.count }
    }

    public static func inferredFormat(_ path: String) -> ReportFormat? { match(path)?.format }

    /// Checks `path` for a command that writes the formats in `accepted`: an input error when the explicit format
    /// contradicts the name, the implied format is not one the command writes, or the folder does not exist or
    /// cannot be written.
    public static func check(_ path: String, explicit: ReportFormat?, accepted: Set<ReportFormat>) throws(RunFailure) {
        if let (suffix, implied) = match(path) {
            if let explicit, explicit != implied, alsoAccepted[explicit]?.contains(suffix) != true {
                throw refuse(
                    "--format \(explicit.rawValue) does not match --output \(path) (a \(suffix) file is "
                        + "\(implied.rawValue)): drop --format or rename the file")
            }
            if explicit == nil, !accepted.contains(implied) {
                let names = ReportFormat.allCases.filter(accepted.contains).map(\.rawValue)
                throw refuse(
                    "--output \(path) asks for \(implied.rawValue), which this command does not write (it writes "
                        + "\(names.joined(separator: ", ")))")
            }
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw refuse("cannot write the report to \(path): it is a folder")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw refuse("cannot write the report to \(path): the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw refuse("cannot write the report to \(path): the folder \(folder) is not writable")
        }
    }

    static func refuse(_ message: String) -> RunFailure { RunFailure(message) }
}
