import Audit

/// What changed between two scans, finding by finding (keyed by rule, account and cluster: `FindingKey`).
///
/// - `newFailures`: FAIL (and not suppressed) in the new scan, and not so in the old one, including clusters that
///   appeared failing.
/// - `fixed`: failing in the old scan, present and not failing in the new one.
/// - `changed`: present in both with a different status, reason or suppression, when not already a new failure or
///   a fix (for example UNKNOWN → PASS, or FAIL for another reason).
/// - `appeared` / `vanished`: present in one scan only (created, deleted or newly visible clusters).
public struct HistoryDiff: Sendable, Hashable {
    /// One finding's before and after; `old` or `new` is nil when it exists in one scan only.
    public struct Change: Sendable, Hashable {
        public var key: FindingKey
        public var old: StoredFinding?
        public var new: StoredFinding?

        public init(key: FindingKey, old: StoredFinding?, new: StoredFinding?) {
            self.key = key
            self.old = old
            self.new = new
        }
    }

    public var old: ScanSummary
    public var new: ScanSummary
    public var newFailures: [Change]
    public var fixed: [Change]
    public var changed: [Change]
    public var appeared: [Change]
    public var vanished: [Change]
    /// Findings present in both scans with the same status, reason and suppression.
    public var unchanged: Int

    public init(old: ScanSummary, oldFindings: [StoredFinding], new: ScanSummary, newFindings: [StoredFinding]) {
        self.old = old
        self.new = new
        let before = Dictionary(oldFindings.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(newFindings.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var newFailures: [Change] = []
        var fixed: [Change] = []
        var changed: [Change] = []
        var appeared: [Change] = []
        var vanished: [Change] = []
        var unchanged = 0
        for key in Set(before.keys).union(after.keys).sorted() {
            let change = Change(key: key, old: before[key], new: after[key])
            switch (before[key], after[key]) {
            case (nil, let current?):
                appeared.append(change)
                if current.isFailing { newFailures.append(change) }
            case (_?, nil):
                vanished.append(change)
            case (let previous?, let current?):
                if current.isFailing && !previous.isFailing {
                    newFailures.append(change)
                } else if previous.isFailing && !current.isFailing {
                    fixed.append(change)
                } else if previous.status != current.status || previous.reason != current.reason
                    || previous.suppression != current.suppression
                {
                    changed.append(change)
                } else {
                    unchanged += 1
                }
            case (nil, nil):
                break
            }
        }
        self.newFailures = newFailures
        self.fixed = fixed
        self.changed = changed
        self.appeared = appeared
        self.vanished = vanished
        self.unchanged = unchanged
    }

    /// Nothing changed at all.
    public var isEmpty: Bool {
        newFailures.isEmpty && fixed.isEmpty && changed.isEmpty && appeared.isEmpty && vanished.isEmpty
    }

    /// Whether the two scans have the same scope (a diff across scopes is allowed, and flagged).
    public var sameScope: Bool { old.scope == new.scope }
}
