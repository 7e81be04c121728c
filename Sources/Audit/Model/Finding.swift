/// One rule's verdict on one cluster, with everything needed to explain and act on it.
public struct Finding: Sendable, Hashable {
    public var rule: RuleID
    public var clusterId: String
    public var clusterName: String
    public var regionId: String
    public var status: Status
    public var reason: ReasonCode
    public var message: String
    public var warnings: [FindingWarning]
    /// Raw evidence of every layer that was read, keyed by layer (`plugin`, `addonConfig`, `configMap`, `nodes`, …).
    public var evidence: [String: JSONValue]
    public var remediation: Remediation
    /// The account the cluster belongs to, when known.
    public var accountId: String?
    /// The account's name (a Resource Directory member's display name), when known.
    public var accountName: String?
    /// Where in infrastructure code the finding points (`ackguard iac`), else nil.
    public var location: SourceLocation?
    /// Set when `--strict` turned warnings into this FAIL; the status the rule itself gave.
    public var statusBeforeStrict: Status?
    /// Set when a suppression matched: the reason given for it.
    public var suppression: Suppression?

    public init(
        rule: RuleID, clusterId: String, clusterName: String, regionId: String, status: Status, reason: ReasonCode,
        message: String, warnings: [FindingWarning] = [], evidence: [String: JSONValue] = [:],
        remediation: Remediation = .none, accountId: String? = nil, location: SourceLocation? = nil
    ) {
        self.rule = rule
        self.clusterId = clusterId
        self.clusterName = clusterName
        self.regionId = regionId
        self.status = status
        self.reason = reason
        self.message = message
        self.warnings = warnings
        self.evidence = evidence
        self.remediation = remediation
        self.accountId = accountId
        self.location = location
    }

    public var compliance: [String] { rule.compliance }

    /// The status that counts for the exit code: suppressed findings do not count.
    public var effectiveStatus: Status? { suppression == nil ? status : nil }
}

public struct FindingWarning: Sendable, Hashable {
    public var code: WarningCode
    public var message: String
    public var details: [String: JSONValue]

    public init(code: WarningCode, message: String, details: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }
}

public struct Remediation: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case editConfigMap = "edit-configmap"
        case recreateCluster = "recreate-cluster"
        case none
    }

    public var kind: Kind
    public var steps: [String]

    public init(kind: Kind, steps: [String]) {
        self.kind = kind
        self.steps = steps
    }

    public static let none = Remediation(kind: .none, steps: [])
}

/// A place in a file (infrastructure code findings).
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// A suppression that matched a finding.
public struct Suppression: Sendable, Hashable {
    public var reason: String
    public var expires: String

    public init(reason: String, expires: String) {
        self.reason = reason
        self.expires = expires
    }
}
