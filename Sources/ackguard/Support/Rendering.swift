import Audit
import Foundation
import Reports

/// Renders a report in the chosen format; every command that prints findings goes through here. The table fits
/// the terminal (``Terminal/columns(environment:descriptor:)``), says what `exitCode` (else the report's own)
/// means, and suggests the next commands from this command line (``NextSteps``).
func renderReport(
    _ report: AuditReport, format: ReportFormat, color: Bool, verbose: Bool = false, exitCode: Int32? = nil,
    arguments: [String] = Array(CommandLine.arguments.dropFirst()),
    environment: [String: String] = ProcessInfo.processInfo.environment
) -> String {
    switch format {
    case .table:
        TableReportRenderer(
            color: color, verbose: verbose, width: Terminal.columns(environment: environment), exitCode: exitCode,
            nextSteps: NextSteps.suggest(for: report, arguments: arguments, verbose: verbose)
        ).render(report)
    case .json: JSONReportRenderer().render(report)
    case .sarif: SARIFReportRenderer().render(report)
    case .junit: JUnitReportRenderer().render(report)
    case .csv: CSVReportRenderer().render(report)
    case .ocsf: OCSFReportRenderer().render(report)
    case .html: HTMLReportRenderer().render(report)
    }
}

/// RFC 3339 timestamps in UTC for reports.
enum Timestamp {
    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// Writes `text` to `path` atomically (a temporary file renamed into place), so a failure never leaves half a
/// report.
func writeAtomically(_ text: String, to path: String) throws {
    try withUTF8Data(text) { try $0.write(to: URL(fileURLWithPath: path), options: .atomic) }
}

/// `text`'s UTF-8 bytes as `Data` without copying them: a fleet's report can be tens of megabytes.
func withUTF8Data<Result>(_ text: String, _ body: (Data) throws -> Result) rethrows -> Result {
    var text = text
    return try text.withUTF8 { bytes in
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return try body(Data()) }
        let pointer = UnsafeMutableRawPointer(mutating: base)
        return try body(Data(bytesNoCopy: pointer, count: bytes.count, deallocator: .none))
    }
}

/// The commands worth running after a table: the same command with `-v` for the evidence, and for an audit with a
/// FAIL or UNKNOWN, `fix` with the same scope for a plan. Built from the words the user typed, shell-quoted.
enum NextSteps {
    /// `audit` options `fix` does not take, with whether each takes a value.
    static let auditOnly: [String: Bool] = [
        "--from": true, "--rule": true, "--exclude-namespace": true, "-f": true, "--format": true, "-o": true,
        "--output": true, "--color": true, "--suppressions": true, "--history": true, "--strict": false,
        "-v": false, "--verbose": false, "--no-history": false, "--no-kubernetes": false,
    ]

    static func suggest(for report: AuditReport, arguments: [String], verbose: Bool) -> [TableReportRenderer.NextStep] {
        guard let command = arguments.first, ["audit", "iac"].contains(command), !report.findings.isEmpty else {
            return []
        }
        var steps: [TableReportRenderer.NextStep] = []
        if !verbose {
            steps.append(
                .init(
                    purpose: "evidence and remediation", command: shellLine(["ackguard"] + arguments + ["-v"])))
        }
        let summary = report.summary
        if command == "audit", summary[.fail] + summary[.unknown] > 0 {
            var kept: [String] = []
            var words = arguments.dropFirst()[...]
            var saved = false
            while let word = words.popFirst() {
                let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
                if let takesValue = auditOnly[name] {
                    if name == "--from" { saved = true }
                    if takesValue && !word.contains("=") { _ = words.popFirst() }
                    continue
                }
                kept.append(word)
            }
            // A saved folder cannot be fixed: the plan is made against the live account it came from.
            steps.append(
                .init(
                    purpose: saved ? "a fix plan (live account)" : "a fix plan",
                    command: shellLine(["ackguard", "fix"] + kept)))
        }
        return steps
    }

    /// Words joined as a shell would read them back: plain words as they are, others in single quotes.
    static func shellLine(_ words: [String]) -> String {
        words.map { word in
            let plain =
                !word.isEmpty
                && word.unicodeScalars.allSatisfy { scalar in
                    CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII
                        || "-_./=:,@%+".unicodeScalars.contains(scalar)
                }
            return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}
