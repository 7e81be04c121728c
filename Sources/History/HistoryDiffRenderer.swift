public import Audit

/// `ackguard diff`: new failures, fixes, changes, appeared and vanished clusters, as text or JSON.
public struct HistoryDiffRenderer: Sendable {
    public var format: HistoryOutputFormat

    public init(format: HistoryOutputFormat) {
        self.format = format
    }

    public func render(_ diff: HistoryDiff) -> String {
        render(diff, notes: [])
    }

    /// With `notes` (a sharded run's missing shards): `note:` lines under the heading, or a `notes` array.
    public func render(_ diff: HistoryDiff, notes: [String]) -> String {
        switch format {
        case .json:
            var document = Self.document(diff)
            if !notes.isEmpty, case .object(var object) = document {
                object["notes"] = .array(notes.map(JSONValue.string))
                document = .object(object)
            }
            return document.serialized(pretty: true) + "\n"
        case .table:
            var output = text(diff)
            if !notes.isEmpty, let end = output.firstIndex(of: "\n") {
                let lines = notes.map { "note: \(InertText.escaped($0))\n" }.joined()
                output.insert(contentsOf: lines, at: output.index(after: end))
            }
            return output
        }
    }

    /// `scan 12`, or `run nightly-42` for a sharded run assembled from its parts.
    static func label(_ scan: ScanSummary, capitalised: Bool = false) -> String {
        if let part = scan.part, part.index == 0 {
            return "\(capitalised ? "Run" : "run") \(InertText.escaped(part.runId))"
        }
        return "\(capitalised ? "Scan" : "scan") \(scan.id)"
    }

    public static func document(_ diff: HistoryDiff) -> JSONValue {
        func side(_ finding: StoredFinding?) -> JSONValue {
            guard let finding else { return .null }
            var object: [String: JSONValue] = [
                "status": .string(finding.status.rawValue),
                "reason": .string(finding.reason),
                "clusterName": .string(finding.clusterName),
                "regionId": .string(finding.regionId),
                "suppressed": .bool(finding.suppression != nil),
                "message": finding.message.map(JSONValue.string) ?? .null,
            ]
            if let location = finding.location {
                object["file"] = .string(location.file)
                object["line"] = .number(Double(location.line))
                object["column"] = .number(Double(location.column))
            }
            return .object(object)
        }
        func changes(_ list: [HistoryDiff.Change]) -> JSONValue {
            .array(
                list.map { change in
                    [
                        "rule": .string(change.key.rule),
                        "account": change.key.account.isEmpty ? .null : .string(change.key.account),
                        "cluster": .string(change.key.cluster),
                        "old": side(change.old),
                        "new": side(change.new),
                    ]
                })
        }
        return [
            "old": HistoryListRenderer.encode(diff.old),
            "new": HistoryListRenderer.encode(diff.new),
            "sameScope": .bool(diff.sameScope),
            "newFailures": changes(diff.newFailures),
            "fixed": changes(diff.fixed),
            "changed": changes(diff.changed),
            "appeared": changes(diff.appeared),
            "vanished": changes(diff.vanished),
            "unchanged": .number(Double(diff.unchanged)),
        ]
    }

    func text(_ diff: HistoryDiff) -> String {
        var output =
            "\(Self.label(diff.old, capitalised: true)) (\(diff.old.finishedAt)) -> \(Self.label(diff.new)) "
            + "(\(diff.new.finishedAt))\n"
        if !diff.sameScope {
            output +=
                "note: the scans have different scopes:\n  old \(InertText.escaped(diff.old.scope))\n"
                + "  new \(InertText.escaped(diff.new.scope))\n"
        }
        let sections: [(String, [HistoryDiff.Change])] = [
            ("New failures", diff.newFailures),
            ("Fixed", diff.fixed),
            ("Changed", diff.changed),
            ("Appeared", diff.appeared),
            ("Vanished", diff.vanished),
        ]
        for (title, changes) in sections {
            output += "\n\(title) (\(changes.count))\n"
            guard !changes.isEmpty else { continue }
            let rows = changes.map { change in
                [
                    change.key.rule, (change.new ?? change.old).map(\.place) ?? change.key.cluster,
                    Self.transition(change.old.map(Self.state), change.new.map(Self.state)),
                ]
            }
            output += TextTable.render(header: ["RULE", "CLUSTER", "CHANGE"], rows: rows)
                .split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }
                .joined(separator: "\n")
        }
        output += "\nUnchanged: \(diff.unchanged)\n"
        return output
    }

    static func state(_ finding: StoredFinding) -> String {
        "\(finding.status.rawValue) \(finding.reason)" + (finding.suppression == nil ? "" : " (suppressed)")
    }

    static func transition(_ old: String?, _ new: String?) -> String {
        switch (old, new) {
        case (let old?, let new?): "\(old) -> \(new)"
        case (nil, let new?): "(absent) -> \(new)"
        case (let old?, nil): "\(old) -> (absent)"
        case (nil, nil): ""
        }
    }
}
