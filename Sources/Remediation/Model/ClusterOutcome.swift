public import Audit

/// What happened to one cluster in an apply or a rollback.
public struct ClusterOutcome: Sendable {
    public enum Result: String, Sendable, Hashable, CaseIterable {
        /// Written and, on re-audit, the cluster passes.
        case fixed
        /// Nothing needed writing any more; the re-audit passes.
        case alreadyFixed = "already-fixed"
        /// Written, but the re-audit does not pass.
        case stillFailing = "still-failing"
        /// A step failed; the rollback file says what to restore.
        case failed
        /// Refused with the given options (`--allow-large`, `--pod-vswitch`).
        case refused
        /// Not attempted because an earlier cluster failed.
        case notAttempted = "not-attempted"
        /// A replacement cluster was created (the old one is unchanged).
        case replacementCreated = "replacement-created"
        /// Rolled back to the recorded state.
        case restored
        /// Not changed by this run (migration without `--create-replacement`, blocked, no automatic fix).
        case unchanged
    }

    public var clusterId: String
    public var clusterName: String
    public var regionId: String
    /// The plan's action (`enable-in-place`, `migrate`, …) or `rollback`.
    public var action: String
    public var result: Result
    public var before: Finding?
    public var after: Finding?
    public var writes: [WriteRecord]
    public var error: String?
    public var notes: [String]
    /// For `replacementCreated`: the new cluster's id and its creation task.
    public var replacementClusterId: String?
    public var replacementTaskId: String?

    public init(
        clusterId: String, clusterName: String, regionId: String, action: String, result: Result,
        before: Finding? = nil, after: Finding? = nil, writes: [WriteRecord] = [], error: String? = nil,
        notes: [String] = [], replacementClusterId: String? = nil, replacementTaskId: String? = nil
    ) {
        self.clusterId = clusterId
        self.clusterName = clusterName
        self.regionId = regionId
        self.action = action
        self.result = result
        self.before = before
        self.after = after
        self.writes = writes
        self.error = error
        self.notes = notes
        self.replacementClusterId = replacementClusterId
        self.replacementTaskId = replacementTaskId
    }

    init(plan: ClusterPlan, result: Result, error: String? = nil, notes: [String] = []) {
        self.init(
            clusterId: plan.clusterId, clusterName: plan.clusterName, regionId: plan.regionId,
            action: plan.action.rawValue, result: result, before: plan.before, error: error, notes: notes)
    }
}
