import ArgumentParser
import Audit
import Foundation
import Reports

extension ReportFormat: ExpressibleByArgument {}

enum ColorMode: String, CaseIterable, ExpressibleByArgument {
    case auto, always, never
}

/// How a report is printed: shared by every command that prints findings.
struct OutputOptions: ParsableArguments {
    @Option(
        name: [.customShort("f"), .customLong("format")],
        help: ArgumentHelp(
            "Report format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: "|")) (default: from the "
                + "--output file's extension, else table).",
            valueName: "format"))
    var explicitFormat: ReportFormat?

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Write the report to FILE (atomically) instead of stdout; .json, .sarif, .xml (JUnit), .csv, .html and "
                + ".ocsf.json choose the format when --format is not given."))
    var output: String?

    @Option(help: "Colour in the table: auto (a terminal without NO_COLOR), always or never.")
    var color: ColorMode = .auto

    @Flag(name: .shortAndLong, help: "Show each finding's warnings, evidence and remediation steps in the table.")
    var verbose = false

    /// The format asked for, else the one the output file's name implies, else the table.
    var format: ReportFormat {
        explicitFormat ?? output.flatMap(OutputFile.inferredFormat) ?? .table
    }

    /// Refuses a format the file name contradicts and a file that cannot be written, before anything runs (so a
    /// live audit never calls an API only to fail at the end): one line and exit 2.
    func validate() throws {
        guard let output else { return }
        try OutputFile.check(output, explicit: explicitFormat, accepted: Set(ReportFormat.allCases))
    }

    /// Colour decision: never into a file; `auto` means stdout is a terminal and NO_COLOR is unset.
    func useColor(environment: [String: String]) -> Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            guard output == nil, format == .table else { return false }
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            return Terminal.isTTY(STDOUT_FILENO)
        }
    }

    /// Prints or writes the rendered report.
    func emit(_ text: String, summary: String) throws {
        if let output {
            try writeAtomically(text, to: output)
            Terminal.note("report written to \(output) — \(summary)")
        } else {
            Terminal.writeStdout(text)
        }
    }
}

/// What an `--output` file name says about its format, and whether the file can be written at all.
enum OutputFile {
    /// File name endings and the format each implies, the most specific first (`.ocsf.json` before `.json`).
    static let suffixes: [(suffix: String, format: ReportFormat)] = [
        (".ocsf.json", .ocsf), (".sarif.json", .sarif), (".sarif", .sarif), (".json", .json), (".xml", .junit),
        (".csv", .csv), (".html", .html), (".htm", .html), (".txt", .table), (".log", .table),
    ]

    /// Formats that may also be written under another format's ending: OCSF and SARIF are JSON documents.
    static let alsoAccepted: [ReportFormat: Set<String>] = [.ocsf: [".json"], .sarif: [".json"]]

    /// The matching suffix and its format, or nil for a name without a known ending.
    static func match(_ path: String) -> (suffix: String, format: ReportFormat)? {
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        return suffixes.first { name.hasSuffix($0.suffix) && name.count > $0.suffix.count }
    }

    static func inferredFormat(_ path: String) -> ReportFormat? { match(path)?.format }

    /// Checks `path` for a command that writes the formats in `accepted`; prints one line and throws exit code 2
    /// when the explicit format contradicts the name, the implied format is not one the command writes, or the
    /// folder does not exist or cannot be written.
    static func check(_ path: String, explicit: ReportFormat?, accepted: Set<ReportFormat>) throws {
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

    /// One line on stderr, then exit code 2 (an input error; argument-parser prints nothing more for it).
    static func refuse(_ message: String) -> ExitCode {
        Terminal.error(message)
        return ExitCode(ExitStatus.inputError)
    }
}
