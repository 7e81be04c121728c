/// What identifies "the same finding" across scans: rule, account and cluster id. Infrastructure-code findings have
/// no cluster id, so their file and resource address stand in (not the line, which moves with every edit).
public struct FindingKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rule: String
    public var account: String
    public var cluster: String

    public init(rule: String, account: String, cluster: String) {
        self.rule = rule
        self.account = account
        self.cluster = cluster
    }

    public static func < (lhs: FindingKey, rhs: FindingKey) -> Bool {
        (lhs.rule, lhs.account, lhs.cluster) < (rhs.rule, rhs.account, rhs.cluster)
    }

    public var description: String {
        [rule, account.isEmpty ? nil : account, cluster].compactMap { $0 }.joined(separator: " ")
    }
}
