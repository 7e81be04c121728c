import Audit

/// `ackguard history`: the stored scans, newest first, as a table or JSON.
public struct HistoryListRenderer: Sendable {
    public var format: HistoryOutputFormat

    public init(format: HistoryOutputFormat) {
        self.format = format
    }

    public func render(_ scans: [ScanSummary]) -> String {
        switch format {
        case .json:
            let document: JSONValue = ["scans": .array(scans.map(Self.encode))]
            return document.serialized(pretty: true) + "\n"
        case .table:
            guard !scans.isEmpty else { return "No scans recorded.\n" }
            let header = ["ID", "FINISHED", "SOURCE", "ACCOUNT", "REGIONS", "FAIL", "UNKNOWN", "PASS", "N/A", "SUPPR."]
            let rows = scans.map { scan in
                [
                    String(scan.id), scan.finishedAt, scan.sourceKind, scan.account ?? "-",
                    scan.regions.isEmpty ? (scan.sourceLocation ?? "-") : scan.regions.joined(separator: ","),
                    String(scan[.fail]), String(scan[.unknown]), String(scan[.pass]), String(scan[.notApplicable]),
                    String(scan.suppressed),
                ]
            }
            return TextTable.render(header: header, rows: rows)
        }
    }

    /// One scan as JSON (also used by the diff).
    public static func encode(_ scan: ScanSummary) -> JSONValue {
        var source: [String: JSONValue] = [
            "kind": .string(scan.sourceKind),
            "regions": .array(scan.regions.map(JSONValue.string)),
        ]
        if let account = scan.account { source["account"] = .string(account) }
        if let location = scan.sourceLocation { source["location"] = .string(location) }
        var summary: [String: JSONValue] = ["suppressed": .number(Double(scan.suppressed))]
        for status in Status.allCases { summary[status.rawValue] = .number(Double(scan[status])) }
        var object: [String: JSONValue] = [
            "id": .number(Double(scan.id)),
            "scope": .string(scan.scope),
            "startedAt": .string(scan.startedAt),
            "finishedAt": .string(scan.finishedAt),
            "tool": ["name": .string(scan.toolName), "version": .string(scan.toolVersion)],
            "source": .object(source),
            "rules": .array(scan.rules.map(JSONValue.string)),
            "summary": .object(summary),
        ]
        if !scan.notices.isEmpty { object["notices"] = .array(scan.notices.map(JSONValue.string)) }
        return .object(object)
    }
}
