/// The verdict of one rule on one cluster (RULE.md "Statuses").
public enum Status: String, Sendable, Codable, CaseIterable, Comparable {
    case pass = "PASS"
    case fail = "FAIL"
    case notApplicable = "NOT_APPLICABLE"
    case unknown = "UNKNOWN"

    /// Report order: the worst first.
    public var severityRank: Int {
        switch self {
        case .fail: 0
        case .unknown: 1
        case .pass: 2
        case .notApplicable: 3
        }
    }

    public static func < (lhs: Status, rhs: Status) -> Bool { lhs.severityRank < rhs.severityRank }
}
