/// What to evaluate and how.
public struct AuditOptions: Sendable, Hashable {
    public var rules: Set<RuleID>
    /// Every warning turns its finding into FAIL.
    public var strict: Bool
    /// Namespaces excluded from coverage on top of kube-system, kube-public and kube-node-lease.
    public var excludedNamespaces: Set<String>

    public init(
        rules: Set<RuleID> = [.networkPolicySupport], strict: Bool = false, excludedNamespaces: Set<String> = []
    ) {
        self.rules = rules
        self.strict = strict
        self.excludedNamespaces = excludedNamespaces
    }
}

/// Evidence in, findings out: pure, deterministic.
public enum AuditEngine {
    /// The findings for one cluster, one per selected rule.
    public static func evaluate(_ evidence: ClusterEvidence, options: AuditOptions) -> [Finding] {
        if let problem = evidence.collectionError {
            // The collection stopped short of what the rules need: no verdict on half the evidence.
            let record = evidence.record
            return options.rules.sorted().map { rule in
                Finding(
                    rule: rule, clusterId: record.clusterId, clusterName: record.name, regionId: record.regionId,
                    status: .unknown, reason: .collectionFailed,
                    message: "the cluster's evidence could not be collected: \(problem)", accountId: record.accountId)
            }
        }
        let support = NetworkPolicySupportRule.evaluate(evidence)
        var findings: [Finding] = []
        if options.rules.contains(.networkPolicySupport) { findings.append(support) }
        if options.rules.contains(.networkPolicyCoverage) {
            findings.append(
                NetworkPolicyCoverageRule.evaluate(
                    evidence, support: support, excludedNamespaces: options.excludedNamespaces))
        }
        if options.strict { findings = findings.map(applyStrict) }
        return findings
    }

    /// The findings for many clusters, in report order.
    public static func evaluate(_ evidence: [ClusterEvidence], options: AuditOptions) -> [Finding] {
        sorted(evidence.flatMap { evaluate($0, options: options) })
    }

    /// Under `--strict` a finding with warnings fails.
    public static func applyStrict(_ finding: Finding) -> Finding {
        guard !finding.warnings.isEmpty, finding.status != .fail else { return finding }
        var strict = finding
        strict.statusBeforeStrict = finding.status
        strict.status = .fail
        let codes = finding.warnings.map(\.code.rawValue).joined(separator: ", ")
        strict.message =
            "strict: warning(s) \(codes) fail this finding (was \(finding.status.rawValue)); "
            + finding.message
        return strict
    }

    /// RULE.md order: rule, region, cluster id (then file position for infrastructure code).
    public static func sorted(_ findings: [Finding]) -> [Finding] {
        findings.sorted { lhs, rhs in
            if lhs.rule != rhs.rule { return lhs.rule.rawValue < rhs.rule.rawValue }
            if lhs.regionId != rhs.regionId { return lhs.regionId < rhs.regionId }
            if lhs.clusterId != rhs.clusterId { return lhs.clusterId < rhs.clusterId }
            if lhs.location != rhs.location {
                guard let left = lhs.location else { return true }
                guard let right = rhs.location else { return false }
                return left < right
            }
            if lhs.accountId != rhs.accountId { return (lhs.accountId ?? "") < (rhs.accountId ?? "") }
            return lhs.clusterName < rhs.clusterName
        }
    }
}

/// Counts by status and the exit code of RULE.md.
public struct AuditSummary: Sendable, Hashable {
    public var counts: [Status: Int]
    public var suppressed: Int

    public init(_ findings: [Finding]) {
        var counts = Dictionary(uniqueKeysWithValues: Status.allCases.map { ($0, 0) })
        var suppressed = 0
        for finding in findings {
            if finding.suppression != nil {
                suppressed += 1
            } else {
                counts[finding.status, default: 0] += 1
            }
        }
        self.counts = counts
        self.suppressed = suppressed
    }

    public subscript(status: Status) -> Int { counts[status] ?? 0 }

    /// `0` no FAIL and no UNKNOWN; `1` at least one FAIL; `3` no FAIL but at least one UNKNOWN.
    public var exitCode: Int32 {
        if self[.fail] > 0 { return ExitStatus.failures }
        if self[.unknown] > 0 { return ExitStatus.incomplete }
        return ExitStatus.clean
    }
}

/// The exit codes of RULE.md, in one place.
public enum ExitStatus {
    public static let clean: Int32 = 0
    public static let failures: Int32 = 1
    /// Configuration, credential or input error before anything was evaluated.
    public static let inputError: Int32 = 2
    /// No FAIL, but at least one UNKNOWN: the audit is incomplete.
    public static let incomplete: Int32 = 3
}
