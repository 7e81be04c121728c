import ArgumentParser
import Foundation
import Reports

extension ReportFormat: ExpressibleByArgument {}

enum ColorMode: String, CaseIterable, ExpressibleByArgument {
    case auto, always, never
}

/// How a report is printed: shared by every command that prints findings.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong, help: "Report format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: "|")).")
    var format: ReportFormat = .table

    @Option(name: .shortAndLong, help: "Write the report to FILE (atomically) instead of stdout.")
    var output: String?

    @Option(help: "Colour in the table: auto (a terminal without NO_COLOR), always or never.")
    var color: ColorMode = .auto

    @Flag(name: .shortAndLong, help: "Show each finding's warnings, evidence and remediation steps in the table.")
    var verbose = false

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
