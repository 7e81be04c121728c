public import Audit

/// Where scans are kept: the local SQLite history (``HistoryStore``, the default) or a shared database (the
/// PostgresStore target). Both hold the same things — scans, their findings and notices, and which shard of a
/// sharded run a scan is — and answer the same questions.
public protocol ScanStore: Sendable {
    /// Names the store in messages: a file path, or a database URL without its password.
    var location: String { get }

    /// Stores a report; returns the new scan's id. With a `part`, an earlier scan of the same run id and shard index
    /// is replaced (in the same transaction), so re-running a shard never leaves two parts.
    func record(_ report: AuditReport, scope: String, part: ScanPart?) async throws(HistoryError) -> Int64

    /// The most recent scans first (by id), at most `limit` when given.
    func scans(limit: Int?) async throws(HistoryError) -> [ScanSummary]

    /// One scan by id.
    func scan(id: Int64) async throws(HistoryError) -> ScanSummary

    /// The findings of one scan, in report order.
    func findings(scanId: Int64) async throws(HistoryError) -> [StoredFinding]

    /// Ids of the latest scans of `scope` (newest first), only those older than `before` when given.
    func latestScans(scope: String, limit: Int, before: Int64?) async throws(HistoryError) -> [Int64]

    /// The stored parts of the sharded run `runId`, by shard index.
    func parts(runId: String) async throws(HistoryError) -> [ScanSummary]
}

extension ScanStore {
    /// What changed from scan `old` to scan `new`.
    public func diff(old: Int64, new: Int64) async throws(HistoryError) -> HistoryDiff {
        HistoryDiff(
            old: try await scan(id: old), oldFindings: try await findings(scanId: old), new: try await scan(id: new),
            newFindings: try await findings(scanId: new))
    }

    /// The scans `ackguard diff [OLD] [NEW]` compares: both given → those; only `old` → it and the latest scan of its
    /// scope; none → the latest scan and the one before it of the same scope.
    public func diffPair(old: Int64?, new: Int64?) async throws(HistoryError) -> (old: Int64, new: Int64) {
        switch (old, new) {
        case (let old?, let new?):
            _ = try await scan(id: old)
            _ = try await scan(id: new)
            return (old, new)
        case (let old?, nil):
            let scope = try await scan(id: old).scope
            let latest = try await latestScans(scope: scope, limit: 1, before: nil)
            guard let newest = latest.first, newest != old else {
                throw .notEnoughScans(path: location, scope: scope, found: latest.count)
            }
            return (old, newest)
        case (nil, let new?):
            let scope = try await scan(id: new).scope
            let earlier = try await latestScans(scope: scope, limit: 1, before: new)
            guard let previous = earlier.first else { throw .notEnoughScans(path: location, scope: scope, found: 1) }
            return (previous, new)
        case (nil, nil):
            guard let newest = try await scans(limit: 1).first else {
                throw .notEnoughScans(path: location, scope: nil, found: 0)
            }
            let earlier = try await latestScans(scope: newest.scope, limit: 1, before: newest.id)
            guard let previous = earlier.first else {
                throw .notEnoughScans(path: location, scope: newest.scope, found: 1)
            }
            return (previous, newest.id)
        }
    }

    /// The organisation scan of run `runId`: every stored part, and which shards are missing.
    public func assembledScan(runId: String) async throws(HistoryError) -> AssembledScan {
        if let problem = ScanPart.runIdProblem(runId) {
            throw .database(path: location, operation: "reading a run", reason: problem)
        }
        let parts = try await parts(runId: runId)
        guard !parts.isEmpty else { throw .runNotFound(path: location, runId: runId) }
        var findings: [[StoredFinding]] = []
        for part in parts { findings.append(try await self.findings(scanId: part.id)) }
        return AssembledScan(runId: runId, parts: parts, findings: findings)
    }

    /// What changed from the assembled scan of run `old` to that of run `new`; a missing shard is a note on its
    /// side (its clusters show as vanished or appeared).
    public func diff(oldRun: String, newRun: String) async throws(HistoryError) -> (
        diff: HistoryDiff, notes: [String]
    ) {
        let old = try await assembledScan(runId: oldRun)
        let new = try await assembledScan(runId: newRun)
        let notes = old.notes.map { "old run \(oldRun): \($0)" } + new.notes.map { "new run \(newRun): \($0)" }
        return (
            HistoryDiff(old: old.summary, oldFindings: old.findings, new: new.summary, newFindings: new.findings),
            notes
        )
    }
}

/// A sharded run read back as one scan: its parts, their findings together, and the shards not (yet) stored.
public struct AssembledScan: Sendable, Hashable {
    public var runId: String
    /// The stored parts, by shard index.
    public var parts: [ScanSummary]
    /// How many shards the run has (the parts' `ScanPart.count`; the largest when they disagree).
    public var shardCount: Int
    /// 1-based indices of the shards with no stored part.
    public var missingShards: [Int]
    /// Every part's findings, in shard order.
    public var findings: [StoredFinding]
    /// The parts as one scan: counts summed, times spanning them all, the notices of each part and one per
    /// missing shard; its id is the newest part's.
    public var summary: ScanSummary

    public var isComplete: Bool { missingShards.isEmpty }

    /// One line per problem: `shard 3 of 4 missing`, parts that disagree on the shard count.
    public var notes: [String] {
        var notes = missingShards.map { "shard \($0) of \(shardCount) missing" }
        let counts = Set(parts.compactMap(\.part?.count))
        if counts.count > 1 {
            notes.append(
                "the parts disagree on the shard count (\(counts.sorted().map(String.init).joined(separator: ", ")))")
        }
        return notes
    }

    /// `parts` and `findings` in the same order (one findings list per part).
    public init(runId: String, parts: [ScanSummary], findings: [[StoredFinding]]) {
        let ordered = zip(parts, findings).sorted {
            ($0.0.part?.index ?? 0, $0.0.id) < ($1.0.part?.index ?? 0, $1.0.id)
        }
        self.runId = runId
        self.parts = ordered.map(\.0)
        self.findings = ordered.flatMap(\.1)
        let count = parts.compactMap(\.part?.count).max() ?? parts.count
        self.shardCount = count
        let present = Set(parts.compactMap(\.part?.index))
        self.missingShards = (1...max(count, 1)).filter { !present.contains($0) }
        var counts: [Status: Int] = [:]
        for part in parts { for (status, value) in part.counts { counts[status, default: 0] += value } }
        let accounts = Set(parts.map(\.account))
        var notices: [String] = []
        for part in self.parts {
            let label = part.part.map { "shard \($0.index) of \($0.count)" } ?? "scan \(part.id)"
            notices += part.notices.map { "\(label): \($0)" }
        }
        notices += missingShards.map { "shard \($0) of \(count) missing" }
        let first = self.parts.first
        summary = ScanSummary(
            id: parts.map(\.id).max() ?? 0, scope: first?.scope ?? "", startedAt: parts.map(\.startedAt).min() ?? "",
            finishedAt: parts.map(\.finishedAt).max() ?? "", toolName: first?.toolName ?? "",
            toolVersion: first?.toolVersion ?? "", sourceKind: first?.sourceKind ?? "",
            regions: Set(parts.flatMap(\.regions)).sorted(), account: accounts.count == 1 ? accounts.first! : nil,
            sourceLocation: first?.sourceLocation, rules: Set(parts.flatMap(\.rules)).sorted(), counts: counts,
            suppressed: parts.map(\.suppressed).reduce(0, +), notices: notices,
            part: ScanPart(runId: runId, index: 0, count: count))
    }
}
