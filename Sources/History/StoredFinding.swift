public import Audit

/// A finding as the history keeps it: the key fields as columns, the rest in the history's own document
/// (``FindingDocument``).
public struct StoredFinding: Sendable, Hashable {
    public var scanId: Int64
    public var rule: String
    public var accountId: String?
    public var regionId: String
    public var clusterId: String
    public var clusterName: String
    public var status: Status
    public var reason: String
    public var location: SourceLocation?
    public var suppression: Suppression?
    public var statusBeforeStrict: String?
    /// The finding's message (`nil` only in a row whose document has none).
    public var message: String?
    /// The document as stored: ``FindingDocument``'s, or in a row written before it, the JSON report's encoding.
    public var json: JSONValue

    public init(
        scanId: Int64, rule: String, accountId: String?, regionId: String, clusterId: String, clusterName: String,
        status: Status, reason: String, location: SourceLocation? = nil, suppression: Suppression? = nil,
        statusBeforeStrict: String? = nil, message: String? = nil, json: JSONValue
    ) {
        self.scanId = scanId
        self.rule = rule
        self.accountId = accountId
        self.regionId = regionId
        self.clusterId = clusterId
        self.clusterName = clusterName
        self.status = status
        self.reason = reason
        self.location = location
        self.suppression = suppression
        self.statusBeforeStrict = statusBeforeStrict
        self.message = message ?? json["message"]?.stringValue
        self.json = json
    }

    public var key: FindingKey {
        let cluster = clusterId.isEmpty ? "\(location?.file ?? "")#\(clusterName)" : clusterId
        return FindingKey(rule: rule, account: accountId ?? "", cluster: cluster)
    }

    /// FAIL and not suppressed: what counts against the exit code.
    public var isFailing: Bool { status == .fail && suppression == nil }

    /// `cn-hangzhou/c123 (prod)`, or `main.tf:12:1 aws_x.y` for infrastructure code.
    public var place: String {
        if let location { return "\(location.file):\(location.line):\(location.column) \(clusterName)" }
        let name = clusterName.isEmpty || clusterName == clusterId ? "" : " (\(clusterName))"
        return "\(regionId)/\(clusterId)\(name)"
    }
}
