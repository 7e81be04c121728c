import Audit
import Foundation
import Reports

/// Renders a report in the chosen format; every command that prints findings goes through here.
func renderReport(_ report: AuditReport, format: ReportFormat, color: Bool, verbose: Bool = false) -> String {
    switch format {
    case .table: TableReportRenderer(color: color, verbose: verbose).render(report)
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
