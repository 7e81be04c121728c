/// One run's findings with what the reports print around them.
public struct AuditReport: Sendable, Hashable {
    public enum SourceKind: String, Sendable, Codable {
        case live
        case saved
        case emulator
        case iac
    }

    public struct Source: Sendable, Hashable {
        public var kind: SourceKind
        public var regions: [String]
        public var account: String?
        /// What was read: the folder, endpoint or paths (never a secret).
        public var location: String?

        public init(kind: SourceKind, regions: [String] = [], account: String? = nil, location: String? = nil) {
            self.kind = kind
            self.regions = regions
            self.account = account
            self.location = location
        }
    }

    public var toolName: String
    public var toolVersion: String
    /// RFC 3339 timestamps (the caller owns the clock).
    public var startedAt: String
    public var finishedAt: String
    public var source: Source
    public var rules: [RuleID]
    public var findings: [Finding]
    /// Problems that did not stop the run (expired suppressions, skipped regions, …), one line each.
    public var notices: [String]

    public init(
        toolName: String = "ackguard", toolVersion: String, startedAt: String, finishedAt: String, source: Source,
        rules: [RuleID], findings: [Finding], notices: [String] = []
    ) {
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.source = source
        self.rules = rules
        self.findings = findings
        self.notices = notices
    }

    public var summary: AuditSummary { AuditSummary(findings) }
}
