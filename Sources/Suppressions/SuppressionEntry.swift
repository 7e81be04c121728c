public import Audit

/// One accepted risk: which findings it covers, why, and until when. Every matcher that is set must match (AND); at
/// least one is set. Only FAIL and UNKNOWN findings are ever suppressed.
public struct SuppressionEntry: Sendable, Hashable {
    /// 1-based position in the file, for messages.
    public var index: Int
    /// Line of the entry in the file, when known.
    public var line: Int?
    /// The rule (its id or an alias such as `ACK-007`).
    public var rule: RuleID?
    /// The exact cluster id.
    public var clusterId: String?
    /// A glob (`*`, `?`) on the cluster name; for infrastructure code, on the resource address.
    public var name: GlobPattern?
    /// A glob on the region id.
    public var region: GlobPattern?
    /// `key=value` (the cluster has the tag with that value) or `key` (the cluster has the tag).
    public var tag: String?
    /// A glob on the file of an infrastructure-code finding.
    public var file: GlobPattern?
    /// Why the risk is accepted (required, shown in every report).
    public var reason: String
    /// The last day the entry applies, `YYYY-MM-DD` (required).
    public var expires: CalendarDate

    public init(
        index: Int, line: Int? = nil, rule: RuleID? = nil, clusterId: String? = nil, name: GlobPattern? = nil,
        region: GlobPattern? = nil, tag: String? = nil, file: GlobPattern? = nil, reason: String,
        expires: CalendarDate
    ) {
        self.index = index
        self.line = line
        self.rule = rule
        self.clusterId = clusterId
        self.name = name
        self.region = region
        self.tag = tag
        self.file = file
        self.reason = reason
        self.expires = expires
    }

    /// Whether the entry covers `finding` (ignoring expiry). `tags` maps cluster ids to their tags.
    public func matches(_ finding: Finding, tags: [String: [String: String]]) -> Bool {
        if let rule, finding.rule != rule { return false }
        if let clusterId, finding.clusterId != clusterId { return false }
        if let name, !name.matches(finding.clusterName) { return false }
        if let region, !region.matches(finding.regionId) { return false }
        if let file {
            guard let location = finding.location, file.matches(location.file) else { return false }
        }
        if let tag {
            let clusterTags = tags[finding.clusterId] ?? [:]
            if let separator = tag.firstIndex(of: "=") {
                let key = String(tag[..<separator])
                let value = String(tag[tag.index(after: separator)...])
                guard clusterTags[key] == value else { return false }
            } else if clusterTags[tag] == nil {
                return false
            }
        }
        return true
    }

    /// Whether the entry no longer applies on `today`: it applies through its `expires` day.
    public func isExpired(today: CalendarDate) -> Bool { expires < today }

    /// `entry #2 (line 7: rule ack-network-policy-support, name legacy-*)`.
    public var label: String {
        var matchers: [String] = []
        if let rule { matchers.append("rule \(rule.rawValue)") }
        if let clusterId { matchers.append("clusterId \(clusterId)") }
        if let name { matchers.append("name \(name)") }
        if let region { matchers.append("region \(region)") }
        if let tag { matchers.append("tag \(tag)") }
        if let file { matchers.append("file \(file)") }
        let position = line.map { "line \($0): " } ?? ""
        return "entry #\(index) (\(position)\(matchers.joined(separator: ", ")))"
    }
}
