public import Audit

/// The plan of one `ackguard fix` run: the audit of the clusters in scope and what would be done to each failing one.
public struct FixPlan: Sendable {
    /// The rule-1 finding of every cluster in scope, in report order.
    public var findings: [Finding]
    /// One plan per cluster in scope that is `FAIL` or `UNKNOWN`, in report order.
    public var clusters: [ClusterPlan]

    public init(findings: [Finding], clusters: [ClusterPlan]) {
        self.findings = findings
        self.clusters = clusters
    }

    /// Plan mode exits like `audit` (RULE.md): 1 with a FAIL, 3 with only UNKNOWNs, else 0.
    public var exitCode: Int32 { AuditSummary(findings).exitCode }

    public func clusters(_ action: ClusterPlan.Action) -> [ClusterPlan] {
        clusters.filter { $0.action == action }
    }
}
