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
