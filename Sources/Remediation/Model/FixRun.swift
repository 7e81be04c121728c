import Audit

/// The result of `ackguard fix`: the plan, and for `--apply` / `--rollback` what happened to each cluster.
public struct FixRun: Sendable {
    public enum Mode: String, Sendable {
        case plan
        case apply
        case rollback
    }

    public var mode: Mode
    public var startedAt: String
    public var finishedAt: String
    /// Where the CS API was reached.
    public var source: String
    public var plan: FixPlan?
    public var outcomes: [ClusterOutcome]
    /// The rollback file written by `--apply` (`nil` when nothing was written), or read by `--rollback`.
    public var rollbackFile: String?
    /// Problems that did not stop the run (regions that could not be listed, …).
    public var notices: [String]

    public init(
        mode: Mode, startedAt: String, finishedAt: String, source: String, plan: FixPlan?,
        outcomes: [ClusterOutcome] = [], rollbackFile: String? = nil, notices: [String] = []
    ) {
        self.mode = mode
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.source = source
        self.plan = plan
        self.outcomes = outcomes
        self.rollbackFile = rollbackFile
        self.notices = notices
    }

    /// Every write, in the order made.
    public var writes: [WriteRecord] { outcomes.flatMap(\.writes) }

    /// Plan: as `audit` (1 with a FAIL, 3 with only UNKNOWNs, 0). Apply and rollback: 1 when a cluster that was
    /// worked on failed or does not pass afterwards (rollback: was not restored); else 2 when a cluster was refused
    /// (`--allow-large`, `--pod-vswitch`); else 0.
    public var exitCode: Int32 {
        switch mode {
        case .plan:
            return plan?.exitCode ?? ExitStatus.clean
        case .apply, .rollback:
            let bad: Set<ClusterOutcome.Result> = [.failed, .stillFailing, .notAttempted]
            if outcomes.contains(where: { bad.contains($0.result) }) { return ExitStatus.failures }
            if outcomes.contains(where: { $0.result == .refused }) { return ExitStatus.inputError }
            return ExitStatus.clean
        }
    }
}
