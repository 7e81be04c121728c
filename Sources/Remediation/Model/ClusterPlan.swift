public import Audit

/// What `ackguard fix` intends for one failing cluster.
public struct ClusterPlan: Sendable {
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Terway shared-ENI with policy off or unknown: add-on config, `eni-config`, DaemonSet restart.
        case enableInPlace = "enable-in-place"
        /// Flannel or exclusive ENI only: a replacement cluster (never an in-place change).
        case migrate
        /// An in-place fix applies, but what it needs cannot be read or is missing (see `blockers`).
        case blocked
        /// Nothing ackguard can do automatically (see `blockers` and the finding's remediation).
        case noAutomaticFix = "no-automatic-fix"
    }

    public var cluster: AuditedCluster
    public var action: Action
    /// For `enableInPlace` (and `blocked` when far enough): what was read.
    public var preconditions: EnablePreconditions?
    /// The steps `--apply` would take, one line each.
    public var steps: [String]
    /// Things to know before applying (policies that start to bite, exclusive-ENI nodes, …).
    public var warnings: [String]
    /// Why the cluster is blocked or has no automatic fix.
    public var blockers: [String]
    /// Set when `--apply` refuses this cluster with the given options (large Felix without `--allow-large`, a
    /// placeholder pod vSwitch): the reason and what to pass.
    public var refusal: String?
    public var migration: MigrationPlan?

    public init(
        cluster: AuditedCluster, action: Action, preconditions: EnablePreconditions? = nil, steps: [String] = [],
        warnings: [String] = [], blockers: [String] = [], refusal: String? = nil, migration: MigrationPlan? = nil
    ) {
        self.cluster = cluster
        self.action = action
        self.preconditions = preconditions
        self.steps = steps
        self.warnings = warnings
        self.blockers = blockers
        self.refusal = refusal
        self.migration = migration
    }

    public var clusterId: String { cluster.finding.clusterId }
    public var clusterName: String { cluster.finding.clusterName }
    public var regionId: String { cluster.finding.regionId }
    public var before: Finding { cluster.finding }
}
