public import Audit

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
            var header = ["ID", "FINISHED", "SOURCE", "ACCOUNT", "REGIONS", "FAIL", "UNKNOWN", "PASS", "N/A", "SUPPR."]
            // The shard column only when some scan is a part of a sharded run: other listings stay as they were.
            let sharded = scans.contains { $0.part != nil }
            if sharded { header.append("RUN (SHARD)") }
            let rows = scans.map { scan in
                var row = [
                    String(scan.id), scan.finishedAt, scan.sourceKind, scan.account ?? "-",
                    scan.regions.isEmpty ? (scan.sourceLocation ?? "-") : scan.regions.joined(separator: ","),
                    String(scan[.fail]), String(scan[.unknown]), String(scan[.pass]), String(scan[.notApplicable]),
                    String(scan.suppressed),
                ]
                if sharded {
                    row.append(
                        scan.part.map { "\(InertText.escaped($0.runId)) (\($0.index)/\($0.count))" } ?? "-")
                }
                return row
            }
            return TextTable.render(header: header, rows: rows)
        }
    }

    /// A sharded run assembled from its parts: the parts, the assembled counts, and one `note:` line per missing
    /// shard (JSON: `run`, `shardCount`, `missingShards`, `notes`, `summary`, `parts`).
    public func render(_ assembled: AssembledScan) -> String {
        switch format {
        case .json:
            let document: JSONValue = [
                "run": .string(assembled.runId),
                "shardCount": .number(Double(assembled.shardCount)),
                "missingShards": .array(assembled.missingShards.map { .number(Double($0)) }),
                "complete": .bool(assembled.isComplete),
                "notes": .array(assembled.notes.map(JSONValue.string)),
                "summary": Self.encode(assembled.summary),
                "parts": .array(assembled.parts.map(Self.encode)),
            ]
            return document.serialized(pretty: true) + "\n"
        case .table:
            let summary = assembled.summary
            var output =
                "Run \(InertText.escaped(assembled.runId)): \(assembled.parts.count) of \(assembled.shardCount) shards"
                + (assembled.isComplete ? "" : " (incomplete)") + "\n"
            for note in assembled.notes { output += "note: \(InertText.escaped(note))\n" }
            output +=
                "FAIL \(summary[.fail])  UNKNOWN \(summary[.unknown])  PASS \(summary[.pass])  "
                + "N/A \(summary[.notApplicable])  SUPPRESSED \(summary.suppressed)\n\n"
            output += render(assembled.parts)
            return output
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
        if let part = scan.part {
            object["run"] = .string(part.runId)
            if part.index > 0 {
                object["shard"] = ["index": .number(Double(part.index)), "count": .number(Double(part.count))]
            }
        }
        return .object(object)
    }
}
