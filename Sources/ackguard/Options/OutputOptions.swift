public import ArgumentParser
import Audit
import AuditRun
import Foundation
import Reports

extension ReportFormat: ExpressibleByArgument {}

extension ReportPrinter.ColorMode: ExpressibleByArgument {}

extension OutputFile {
    /// ``check(_:explicit:accepted:)`` for `validate()`: the problem as one line on stderr and exit 2 (an input
    /// error, not a usage error; argument-parser prints nothing more for an exit code).
    static func validate(_ path: String, explicit: ReportFormat?, accepted: Set<ReportFormat>) throws {
        do {
            try check(path, explicit: explicit, accepted: accepted)
        } catch {
            Terminal.error(error.description)
            throw ExitCode(error.exitCode)
        }
    }
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
    var color: ReportPrinter.ColorMode = .auto

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
        try OutputFile.validate(output, explicit: explicitFormat, accepted: Set(ReportFormat.allCases))
    }

    /// How the report is printed.
    var printer: ReportPrinter { ReportPrinter(format: format, output: output, color: color, verbose: verbose) }
}
