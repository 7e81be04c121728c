public import Audit

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

    /// Plan: as `audit` (1 with a FAIL, 3 with only UNKNOWNs, 0). Apply: 1 when a cluster that was worked on failed
    /// or does not pass afterwards; else 2 when a cluster was refused (`--allow-large`, `--pod-vswitch`); else as
    /// `audit` over what remains — every cluster in scope with its re-audited finding where it was changed, its
    /// planned finding where it was not (a Flannel cluster with only a migration plan, a blocked one, one not
    /// attempted, the old cluster of a replacement): 1 while any FAIL remains, 3 while an UNKNOWN remains, 0 only
    /// when everything passes or is not applicable. A region that could not be listed makes a clean run 3.
    /// Rollback: 1 when a cluster was not restored, 2 when the file was refused (nothing written), else 0.
    public var exitCode: Int32 {
        let bad: Set<ClusterOutcome.Result> = [.failed, .stillFailing, .notAttempted]
        let code: Int32
        switch mode {
        case .plan:
            code = plan?.exitCode ?? ExitStatus.clean
        case .rollback:
            if outcomes.contains(where: { bad.contains($0.result) }) { return ExitStatus.failures }
            if outcomes.contains(where: { $0.result == .refused }) { return ExitStatus.inputError }
            code = ExitStatus.clean
        case .apply:
            if outcomes.contains(where: { bad.contains($0.result) }) { return ExitStatus.failures }
            if outcomes.contains(where: { $0.result == .refused }) { return ExitStatus.inputError }
            code = AuditSummary(remainingFindings).exitCode
        }
        return code == ExitStatus.clean && !notices.isEmpty ? ExitStatus.incomplete : code
    }

    /// After an apply, each cluster's finding as it now stands: the re-audit where ackguard fixed it (or found it
    /// fixed), the finding from before the run everywhere else. Without a plan, the outcomes' own findings.
    public var remainingFindings: [Finding] {
        let outcomeById = Dictionary(outcomes.map { ($0.clusterId, $0) }, uniquingKeysWith: { _, last in last })
        func now(_ outcome: ClusterOutcome) -> Finding? {
            switch outcome.result {
            case .fixed, .alreadyFixed, .stillFailing: return outcome.after ?? outcome.before
            default: return outcome.before
            }
        }
        guard let plan else { return outcomes.compactMap(now) }
        return plan.findings.map { finding in outcomeById[finding.clusterId].flatMap(now) ?? finding }
    }
}
