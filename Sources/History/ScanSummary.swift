public import Audit

/// One stored audit run: what was scanned and the counts by status.
public struct ScanSummary: Sendable, Hashable {
    public var id: Int64
    /// Scans of the same scope are comparable (see `HistoryStore.scope(of:)`).
    public var scope: String
    public var startedAt: String
    public var finishedAt: String
    public var toolName: String
    public var toolVersion: String
    public var sourceKind: String
    public var regions: [String]
    public var account: String?
    public var sourceLocation: String?
    public var rules: [String]
    public var counts: [Status: Int]
    public var suppressed: Int
    public var notices: [String]
    /// The shard of a sharded scan this row holds (`--shard K/N --run-id`), `nil` for a whole scan.
    public var part: ScanPart?

    public init(
        id: Int64, scope: String, startedAt: String, finishedAt: String, toolName: String, toolVersion: String,
        sourceKind: String, regions: [String], account: String?, sourceLocation: String?, rules: [String],
        counts: [Status: Int], suppressed: Int, notices: [String], part: ScanPart? = nil
    ) {
        self.id = id
        self.scope = scope
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.sourceKind = sourceKind
        self.regions = regions
        self.account = account
        self.sourceLocation = sourceLocation
        self.rules = rules
        self.counts = counts
        self.suppressed = suppressed
        self.notices = notices
        self.part = part
    }

    public subscript(status: Status) -> Int { counts[status] ?? 0 }
}
