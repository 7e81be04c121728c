public import Audit

/// The values a store keeps for one finding, as plain columns: what every ``ScanStore`` writes, so that a finding
/// reads back the same from SQLite and from PostgreSQL.
public struct FindingRow: Sendable, Hashable {
    public var rule: String
    public var accountId: String?
    public var regionId: String
    public var clusterId: String
    public var clusterName: String
    public var status: String
    public var reason: String
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var suppressionReason: String?
    public var suppressionExpires: String?
    public var statusBeforeStrict: String?
    /// The history's own versioned document (see `FindingDocument`).
    public var json: String

    /// The columns of `finding`.
    public init(_ finding: Finding) {
        rule = finding.rule.rawValue
        accountId = finding.accountId
        regionId = finding.regionId
        clusterId = finding.clusterId
        clusterName = finding.clusterName
        status = finding.status.rawValue
        reason = finding.reason.rawValue
        file = finding.location?.file
        line = finding.location?.line
        column = finding.location?.column
        suppressionReason = finding.suppression?.reason
        suppressionExpires = finding.suppression?.expires
        statusBeforeStrict = finding.statusBeforeStrict?.rawValue
        json = FindingDocument.encode(finding).serialized()
    }

    public init(
        rule: String, accountId: String?, regionId: String, clusterId: String, clusterName: String, status: String,
        reason: String, file: String?, line: Int?, column: Int?, suppressionReason: String?,
        suppressionExpires: String?, statusBeforeStrict: String?, json: String
    ) {
        self.rule = rule
        self.accountId = accountId
        self.regionId = regionId
        self.clusterId = clusterId
        self.clusterName = clusterName
        self.status = status
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        self.suppressionReason = suppressionReason
        self.suppressionExpires = suppressionExpires
        self.statusBeforeStrict = statusBeforeStrict
        self.json = json
    }

    /// The stored finding, or why the row is not one ackguard wrote (`store` and `id` name it in the error).
    public func stored(scanId: Int64, id: Int64, store: String) throws(HistoryError) -> StoredFinding {
        guard let status = Status(rawValue: status) else {
            throw .corruptRow(path: store, table: "finding", id: id, problem: "unknown status '\(self.status)'")
        }
        let decoded: FindingDocument.Decoded
        switch FindingDocument.decode(json) {
        case .success(let value): decoded = value
        case .failure(let problem): throw .corruptRow(path: store, table: "finding", id: id, problem: "\(problem)")
        }
        return StoredFinding(
            scanId: scanId, rule: rule, accountId: accountId, regionId: regionId, clusterId: clusterId,
            clusterName: clusterName, status: status, reason: reason,
            location: file.map { SourceLocation(file: $0, line: line ?? 0, column: column ?? 0) },
            suppression: suppressionReason.map { Suppression(reason: $0, expires: suppressionExpires ?? "") },
            statusBeforeStrict: statusBeforeStrict, message: decoded.message, json: decoded.document)
    }
}

/// The values a store keeps for one scan besides its counts: the JSON-array columns, encoded and read the same way
/// by every ``ScanStore``.
public enum ScanColumns {
    /// `strings` as the JSON array text stored in `regions`, `rules` and `notices`.
    public static func jsonText(_ strings: [String]) -> String {
        JSONValue.array(strings.map(JSONValue.string)).serialized()
    }

    /// The strings of a stored JSON-array column, or why it is not one.
    public static func list(_ text: String, column: String, scanId: Int64, store: String) throws(HistoryError)
        -> [String]
    {
        guard let value = try? JSONValue.parse(text), let items = value.arrayValue else {
            throw .corruptRow(path: store, table: "scan", id: scanId, problem: "\(column) is not a JSON array")
        }
        return items.compactMap(\.stringValue)
    }

    /// The part a scan row holds: all three shard columns, or none.
    public static func part(runId: String?, index: Int?, count: Int?, scanId: Int64, store: String)
        throws(HistoryError) -> ScanPart?
    {
        guard let runId else { return nil }
        guard let index, let count else {
            throw .corruptRow(
                path: store, table: "scan", id: scanId, problem: "a run id without its shard index and count")
        }
        return ScanPart(runId: runId, index: index, count: count)
    }
}
