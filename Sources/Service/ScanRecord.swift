public import Audit
import AuditRun
public import Foundation

/// One scheduled scan as the service keeps it: when, what it found (its report, when it got that far) and whether it
/// saw everything.
public struct ScanRecord: Sendable {
    /// 1, 2, 3… in the order scans started since the service started.
    public let id: Int
    public let startedAt: Date
    public let finishedAt: Date
    /// The run's report; `nil` when the run failed before it had one (``failure`` says why).
    public let report: AuditReport?
    /// What the run could not see (regions not listed, clusters not audited), one line each.
    public let completenessNotes: [String]
    /// API calls made, by operation.
    public let callCounts: [String: Int]
    /// The same calls by operation and outcome (`ok`, `throttled`, `error`, `no-answer`).
    public let callOutcomes: [String: [String: Int]]
    /// Why the run failed, one line; `nil` when it produced a report.
    public let failure: String?
    /// The scan was cancelled (the service shut down while it ran).
    public let cancelled: Bool
    /// Problems that change nothing in the verdict (the store could not record the scan), one line each.
    public let warnings: [String]

    public init(
        id: Int, startedAt: Date, finishedAt: Date, report: AuditReport?, completenessNotes: [String] = [],
        callCounts: [String: Int] = [:], callOutcomes: [String: [String: Int]] = [:], failure: String? = nil,
        cancelled: Bool = false, warnings: [String] = []
    ) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.report = report
        self.completenessNotes = completenessNotes
        self.callCounts = callCounts
        self.callOutcomes = callOutcomes
        self.failure = failure
        self.cancelled = cancelled
        self.warnings = warnings
    }

    /// Did not see everything: cancelled, failed, or with completeness notes.
    public var incomplete: Bool { cancelled || failure != nil || !completenessNotes.isEmpty }

    /// A report and nothing missing.
    public var succeeded: Bool { report != nil && !incomplete }

    public var durationSeconds: Double { finishedAt.timeIntervalSince(startedAt) }

    /// Findings by status (suppressed ones apart), zeros included; all zero without a report.
    public var counts: [Status: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Status.allCases.map { ($0, 0) })
        if let report { counts.merge(report.summary.counts) { _, new in new } }
        return counts
    }

    public var suppressed: Int { report?.summary.suppressed ?? 0 }

    /// The trend point of this scan.
    public var point: TrendPoint {
        TrendPoint(scanId: id, time: finishedAt, counts: counts, incomplete: incomplete, hasReport: report != nil)
    }
}

/// One point of the FAIL/UNKNOWN trend: a scan's counts.
public struct TrendPoint: Sendable, Equatable {
    public let scanId: Int
    public let time: Date
    public let counts: [Status: Int]
    public let incomplete: Bool
    public let hasReport: Bool
}

/// The scans the service remembers: the last ``keptScans`` in full (their reports, for `/api/scans/{id}` and the
/// diff), and a point per scan for the trend, the last ``keptPoints``. Memory stays bounded however long it runs.
public actor ScanHistory {
    public let keptScans: Int
    public let keptPoints: Int
    public private(set) var scans: [ScanRecord] = []
    public private(set) var trend: [TrendPoint] = []
    /// The two most recent scans that have a report (the diff compares them), newest last.
    public private(set) var reported: [ScanRecord] = []

    public init(keptScans: Int = 20, keptPoints: Int = 1000) {
        self.keptScans = max(2, keptScans)
        self.keptPoints = max(2, keptPoints)
    }

    /// Adds a finished scan; returns the scan with a report before it, when this one has a report (what its changes
    /// are measured against).
    @discardableResult
    public func add(_ scan: ScanRecord) -> ScanRecord? {
        scans.append(scan)
        if scans.count > keptScans { scans.removeFirst(scans.count - keptScans) }
        trend.append(scan.point)
        if trend.count > keptPoints { trend.removeFirst(trend.count - keptPoints) }
        guard scan.report != nil else { return nil }
        let before = reported.last
        reported.append(scan)
        if reported.count > 2 { reported.removeFirst(reported.count - 2) }
        return before
    }

    public var latest: ScanRecord? { scans.last }

    public func scan(id: Int) -> ScanRecord? { scans.first { $0.id == id } }

    /// The latest scan with a report against the one with a report before it.
    public var diff: ScanDiff? {
        guard let new = reported.last, let newReport = new.report else { return nil }
        let old = reported.count == 2 ? reported[0] : nil
        return ScanDiff(old: old, new: new, changes: StatusChange.between(old?.report, newReport))
    }

    /// The state the dashboard and the API show, read at once.
    public var snapshot: Snapshot {
        Snapshot(latest: scans.last, scans: scans, trend: trend, diff: diff)
    }

    public struct Snapshot: Sendable {
        public let latest: ScanRecord?
        public let scans: [ScanRecord]
        public let trend: [TrendPoint]
        public let diff: ScanDiff?
    }
}

/// What changed between two scans.
public struct ScanDiff: Sendable {
    public let old: ScanRecord?
    public let new: ScanRecord
    public let changes: [StatusChange]
}

/// One cluster's verdict under one rule that differs between two scans.
public struct StatusChange: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Now FAIL, before not (or not there).
        case newFail = "new-fail"
        /// Now UNKNOWN, before not (or not there).
        case newUnknown = "new-unknown"
        /// Before FAIL or UNKNOWN, now PASS or NOT_APPLICABLE.
        case fixed
        /// Any other change (PASS ↔ NOT_APPLICABLE, a cluster gone, a new passing cluster).
        case changed
    }

    public let kind: Kind
    public let rule: RuleID
    public let accountId: String?
    public let regionId: String
    public let clusterId: String
    public let clusterName: String
    /// `nil`: the cluster was not in that scan (or its finding was suppressed).
    public let oldStatus: Status?
    public let newStatus: Status?
    public let reason: ReasonCode?

    /// Does this change raise an alert (a webhook event)? New FAILs, new UNKNOWNs and fixes do.
    public var alerts: Bool { kind != .changed }

    struct Key: Hashable, Comparable {
        var account: String
        var region: String
        var cluster: String
        var rule: String
        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.region, lhs.cluster, lhs.rule, lhs.account) < (rhs.region, rhs.cluster, rhs.rule, rhs.account)
        }
    }

    static func key(_ finding: Finding) -> Key {
        Key(
            account: finding.accountId ?? "", region: finding.regionId, cluster: finding.clusterId,
            rule: finding.rule.rawValue)
    }

    /// The changes from `old` to `new`, in region, cluster, rule order; none without an `old` (the first scan is
    /// the baseline, not a burst of alerts). Suppressed findings count as absent.
    public static func between(_ old: AuditReport?, _ new: AuditReport) -> [StatusChange] {
        guard let old else { return [] }
        func index(_ report: AuditReport) -> [Key: Finding] {
            Dictionary(
                report.findings.filter { $0.suppression == nil }.map { (key($0), $0) },
                uniquingKeysWith: { first, _ in first })
        }
        let before = index(old)
        let after = index(new)
        var changes: [StatusChange] = []
        for key in Set(before.keys).union(after.keys).sorted() {
            let was = before[key]
            let now = after[key]
            guard was?.status != now?.status, let finding = now ?? was else { continue }
            let kind: Kind
            switch (was?.status, now?.status) {
            case (_, .fail?): kind = .newFail
            case (_, .unknown?): kind = .newUnknown
            case (.fail?, .pass?), (.fail?, .notApplicable?), (.unknown?, .pass?), (.unknown?, .notApplicable?):
                kind = .fixed
            default: kind = .changed
            }
            changes.append(
                StatusChange(
                    kind: kind, rule: finding.rule, accountId: finding.accountId, regionId: finding.regionId,
                    clusterId: finding.clusterId, clusterName: finding.clusterName, oldStatus: was?.status,
                    newStatus: now?.status, reason: now?.reason))
        }
        return changes
    }
}
