import AlibabaCloud
public import Audit
import BoundedConcurrency
public import Evidence
public import Foundation
public import History
import LiveCollection
import Suppressions
import Synchronization

/// What to audit and what to do with the findings, resolved from the command line (or a schedule).
public struct AuditRequest: Sendable {
    public enum Source: Sendable {
        /// A saved-evidence folder (RULE.md "Saved evidence").
        case saved(folder: String)
        /// Live accounts, or the demo emulator (``LiveSettings/demo``).
        case live(LiveSettings)
    }

    public var source: Source
    public var options: AuditOptions
    /// A suppression file (YAML) of accepted findings.
    public var suppressions: String?
    public var history: HistoryPolicy
    /// This run's part of a sharded scan (`--shard K/N`, `--run-id`), or `nil` for a whole scan.
    public var part: ScanPart?
    public var environment: [String: String]
    public var toolVersion: String

    public init(
        source: Source, options: AuditOptions = AuditOptions(), suppressions: String? = nil,
        history: HistoryPolicy = .off, part: ScanPart? = nil, environment: [String: String] = [:],
        toolVersion: String
    ) {
        self.source = source
        self.options = options
        self.suppressions = suppressions
        self.history = history
        self.part = part
        self.environment = environment
        self.toolVersion = toolVersion
    }
}

/// One cluster as the run evaluated it (kept with ``AuditRun/keepsClusters``, for `fix`).
public struct EvaluatedCluster: Sendable {
    /// The listing item (or detail body) the cluster was described by; `nil` for a saved folder.
    public var listing: JSONValue?
    public var evidence: ClusterEvidence
    /// One finding per rule of the request, before suppressions.
    public var findings: [Finding]
}

/// What a run found, and what the caller needs to say about it.
public struct AuditOutcome: Sendable {
    /// The findings in report order, suppressions applied, with the run's notices (completeness first).
    public var report: AuditReport
    /// What the run could not see, one line each (also in ``AuditReport/notices``): regions not (completely)
    /// listed, clusters not finished. Non-empty makes a clean run exit 3.
    public var completenessNotes: [String]
    /// Problems that change nothing in the verdict (the history could not store the scan).
    public var warnings: [String]
    /// RULE.md's exit status: 1 with a FAIL, 3 with an UNKNOWN or an incomplete listing, else 0.
    public var exitCode: Int32
    /// The clusters as evaluated, when ``AuditRun/keepsClusters`` (else empty).
    public var clusters: [EvaluatedCluster]
    /// The listing pages as read, when ``AuditRun/keepsListingPages`` (live only).
    public var listingPages: [JSONValue]
    /// API calls made, by operation (live only).
    public var callCounts: [String: Int]
    /// The same calls by outcome (``CSClient/callOutcomes``), live only.
    public var callOutcomes: [String: [String: Int]] = [:]
    /// The accounts not audited (each also a completeness note): `collect` saves them in `accounts.json`.
    public var skippedAccounts: [SavedAccounts.Skipped] = []
    /// The regions not listed completely, with why (each also a completeness note): `collect` saves them in
    /// `unfinished.json`.
    public var failedRegions: [String: String] = [:]
    /// Clusters audited (collected, for a run with no rules).
    public var clusterCount: Int
}

/// The audit pipeline, the same for every source: documents → evidence (decoded once) → findings (each rule once
/// per cluster) → suppressions → report → history → exit status.
///
/// A saved folder and a live account differ only in where each cluster's evidence comes from
/// (``gatherSaved(_:into:)`` and ``gatherLive(_:into:)``); everything after is one path, ``finish(_:gathered:prepared:started:)``.
/// Live clusters are evaluated as they arrive and only their findings are kept, so memory grows with the findings,
/// not with what the APIs returned.
public struct AuditRun: Sendable {
    public var request: AuditRequest
    /// Clusters done and total, as collection goes (live only).
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    /// Receives each live cluster's documents before evaluation (`collect` writes them).
    public var observer: (@Sendable (ClusterDocuments) async throws -> Void)?
    /// Keep each cluster's listing, evidence and findings in the outcome (`fix` plans from them).
    public var keepsClusters = false
    /// Keep the listing pages in the outcome (`collect` writes them).
    public var keepsListingPages = false
    /// The clock of the report's timestamps and of the suppressions' expiry.
    public var now: @Sendable () -> Date = { Date() }

    public init(_ request: AuditRequest) {
        self.request = request
    }

    /// Runs the request from start to end; every error is a classified ``RunFailure``. The suppression file and
    /// the history path are checked before anything is read or any API is called.
    public func run() async throws(RunFailure) -> AuditOutcome {
        do {
            let prepared = try await prepare()
            switch request.source {
            case .saved(let folder):
                let started = now()
                let gathered = Gathered(keepsClusters: keepsClusters)
                let source = try await gatherSaved(folder, into: gathered)
                return try await finish(source, gathered: gathered, prepared: prepared, started: started)
            case .live(let settings):
                return try await withLiveSession(
                    settings, environment: request.environment, userAgent: "ackguard/\(request.toolVersion)",
                    keepListingPages: keepsListingPages,
                    readCoverage: request.options.rules.contains(.networkPolicyCoverage)
                ) { session in try await run(in: session, prepared: prepared) }
            }
        } catch {
            throw RunFailure.classify(error)
        }
    }

    /// Runs the request's rules over the accounts of an open session (`fix` audits, plans and applies in one).
    public func run(in session: LiveSession) async throws(RunFailure) -> AuditOutcome {
        do {
            return try await run(in: session, prepared: try await prepare())
        } catch {
            throw RunFailure.classify(error)
        }
    }

    func run(in session: LiveSession, prepared: Prepared) async throws(RunFailure) -> AuditOutcome {
        do {
            let started = now()
            let gathered = Gathered(keepsClusters: keepsClusters)
            let source = try await gatherLive(session, into: gathered)
            return try await finish(source, gathered: gathered, prepared: prepared, started: started)
        } catch {
            throw RunFailure.classify(error, endpoint: session.location)
        }
    }

    // MARK: - Before: inputs that must be good before any API call

    /// What must be good before any API call: the suppression file, read, and the history database's path,
    /// checked. A bad one is an input error before anything is read, not a warning after the audit.
    struct Prepared {
        var suppressions: SuppressionFile?
        var history: HistoryTarget?
    }

    func prepare() async throws -> Prepared {
        var suppressions: SuppressionFile?
        if let path = request.suppressions {
            do {
                suppressions = try SuppressionFile.load(path: path)
            } catch {
                throw RunFailure(error.description)
            }
        }
        return Prepared(suppressions: suppressions, history: try await prepareHistory())
    }

    // MARK: - Gathering: where each cluster's evidence comes from

    /// What the source was, for the report, and what it could not see.
    struct SourceSummary {
        var kind: AuditReport.SourceKind
        var regions: [String]
        var location: String
        var failedRegions: [String: String] = [:]
        var listingPages: [JSONValue] = []
        var callCounts: [String: Int] = [:]
        var callOutcomes: [String: [String: Int]] = [:]
        /// Accounts not audited (not active, role not assumable, not readable): completeness notes.
        var notes: [String] = []
        /// The same accounts, as `collect` saves them.
        var skipped: [SavedAccounts.Skipped] = []
        /// Notes that change nothing in the verdict (an empty shard).
        var information: [String] = []

        mutating func addOutcomes(_ outcomes: [String: [String: Int]]) {
            for (action, byOutcome) in outcomes {
                callOutcomes[action, default: [:]].merge(byOutcome, uniquingKeysWith: +)
            }
        }
    }

    func gatherSaved(_ folder: String, into gathered: Gathered) async throws -> SourceSummary {
        let saved = try SavedEvidenceReader(directory: folder).readFolder()
        var evidence: [ClusterEvidence] = []
        for documents in saved.clusters { evidence.append(try documents.evidence()) }
        for item in evidence { await gathered.add(evaluated(item, listing: nil)) }
        let regions = Set(evidence.map(\.record.regionId).filter { !$0.isEmpty })
        var summary = SourceSummary(kind: .saved, regions: regions.sorted(), location: folder)
        // The accounts the collection did not audit: the same completeness notes (and exit status) as the live run.
        summary.notes = saved.skippedAccounts.map(SkippedAccount.savedNote)
        summary.skipped = saved.skippedAccounts
        // The regions it could not list completely: the same notes as the live run ("region … was not listed").
        summary.failedRegions = saved.unfinishedRegions
        return summary
    }

    func gatherLive(_ session: LiveSession, into gathered: Gathered) async throws -> SourceSummary {
        var summary = SourceSummary(kind: session.sourceKind, regions: [], location: session.location)
        for skipped in session.skippedAccounts {
            summary.notes.append(skipped.note)
            summary.skipped.append(skipped.saved)
        }
        summary.information = session.information
        var regions = Set<String>()
        // Several accounts at once (--account-concurrency), each with its own client (its own rate limiters), their
        // clusters taken in turn within --concurrency in all, so that one huge account does not starve the rest.
        let tally = ProgressTally(accounts: session.accounts.count, progress: progress)
        let run = self
        let accounts = session.accounts
        let pool = AccountPool(
            accounts: accounts, options: session.collectionOptions, accountConcurrency: session.accountConcurrency)
        let listings = await pool.collect(
            handle: { index, documents in
                // The account goes with the documents, so that `collect` saves it (accounts.json) and `--from`
                // gives the same findings.
                var documents = documents
                documents.accountId = accounts[index].accountId
                documents.accountName = accounts[index].accountName
                try await run.observer?(documents)
                let evidence = documents.evidenceOrFailure()
                await gathered.add(run.evaluated(evidence, listing: documents.descriptions.first?.value))
            },
            progress: { index, done, total in tally.update(account: index, done: done, total: total) })
        var results: [Result<AccountCollection, any Error>] = []
        for (account, listing) in zip(accounts, listings) {
            switch listing {
            case .success(let listed):
                results.append(
                    .success(
                        AccountCollection(
                            regions: listed.regions, listingPages: listed.listingPages,
                            failedRegions: listed.failedRegions, callCounts: await account.client.callCounts,
                            callOutcomes: await account.client.callOutcomes)))
            case .failure(let error):
                results.append(.failure(error))
            }
        }
        for (account, result) in zip(session.accounts, results) {
            switch result {
            case .success(let collected):
                regions.formUnion(collected.regions)
                summary.listingPages += collected.listingPages
                summary.failedRegions.merge(collected.failedRegions) { first, _ in first }
                summary.callCounts.merge(collected.callCounts, uniquingKeysWith: +)
                summary.addOutcomes(collected.callOutcomes)
            case .failure(let error):
                // An explicit --role-arn account that cannot be read ends the run, as before; a Resource Directory
                // member is one note and the others stand.
                guard account.isDirectoryMember else { throw error }
                let failure = RunFailure.classify(error, endpoint: session.location)
                let skipped = SkippedAccount(
                    accountId: account.accountId ?? "?", accountName: account.accountName, reason: "\(failure)")
                summary.notes.append(skipped.note)
                summary.skipped.append(skipped.saved)
                summary.callCounts.merge(await account.client.callCounts, uniquingKeysWith: +)
                summary.addOutcomes(await account.client.callOutcomes)
            }
        }
        summary.regions = regions.sorted()
        return summary
    }

    /// What one account's collection gave.
    struct AccountCollection: Sendable {
        var regions: [String]
        var listingPages: [JSONValue]
        var failedRegions: [String: String]
        var callCounts: [String: Int]
        var callOutcomes: [String: [String: Int]]
    }

    /// One cluster's findings: each rule of the request evaluated once.
    func evaluated(_ evidence: ClusterEvidence, listing: JSONValue?) -> EvaluatedCluster {
        var findings = AuditEngine.evaluate(evidence, options: request.options)
        if let name = evidence.record.accountName {
            for index in findings.indices { findings[index].accountName = name }
        }
        return EvaluatedCluster(listing: listing, evidence: evidence, findings: findings)
    }

    // MARK: - After: one path for every source

    func finish(_ source: SourceSummary, gathered: Gathered, prepared: Prepared, started: Date) async throws
        -> AuditOutcome
    {
        var findings = AuditEngine.sorted(await gathered.findings)
        let clusters = await gathered.clusters
        var completeness = source.notes.sorted()
        completeness += source.failedRegions.sorted { $0.key < $1.key }.map { region, error in
            "region \(region) was not listed completely, clusters may be missing: \(error)"
        }
        let unfinished = clusters.filter { $0.collectionError != nil }.sorted { $0.clusterId < $1.clusterId }
        if let first = unfinished.first {
            let others = unfinished.count > 1 ? " (and \(unfinished.count - 1) other cluster(s))" : ""
            completeness.append("cluster \(first.clusterId)\(others) not audited: \(first.collectionError!)")
        }
        var notices = completeness + source.information
        if let suppressions = prepared.suppressions {
            let tags = Dictionary(clusters.map { ($0.clusterId, $0.tags) }, uniquingKeysWith: { first, _ in first })
            let applied = suppressions.apply(to: findings, today: Self.localDate(now()), tags: tags)
            findings = applied.findings
            notices += applied.notices
        }
        let accounts = Set(clusters.compactMap(\.accountId))
        let report = AuditReport(
            toolVersion: request.toolVersion, startedAt: Timestamp.rfc3339(started),
            finishedAt: Timestamp.rfc3339(now()),
            source: .init(
                kind: source.kind, regions: source.regions, account: accounts.count == 1 ? accounts.first : nil,
                location: source.location),
            rules: request.options.rules.sorted(), findings: findings, notices: notices)
        // A cancelled run (serve's shutdown, an interrupted audit) saw less than it would report: its cancelled reads
        // look like unreachable APIs. It records nothing rather than a scan that never happened.
        try Task.checkCancellation()
        let warnings = await recordHistory(report, in: prepared.history)
        var exitCode = report.summary.exitCode
        if (!source.failedRegions.isEmpty || !source.notes.isEmpty) && exitCode == ExitStatus.clean {
            exitCode = ExitStatus.incomplete
        }
        var outcome = AuditOutcome(
            report: report, completenessNotes: completeness, warnings: warnings, exitCode: exitCode,
            clusters: await gathered.evaluated, listingPages: source.listingPages, callCounts: source.callCounts,
            clusterCount: clusters.count)
        outcome.callOutcomes = source.callOutcomes
        outcome.skippedAccounts = source.skipped
        outcome.failedRegions = source.failedRegions
        return outcome
    }

    /// Today in the local time zone, `YYYY-MM-DD`: a suppression expires at the end of its day where the user is.
    static func localDate(_ date: Date) -> String {
        let components = Calendar.current.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", components.year ?? 1970, components.month ?? 1, components.day ?? 1)
    }
}

/// What a run keeps of each cluster, gathered from concurrent tasks.
actor Gathered {
    /// What the report needs of a cluster besides its findings.
    struct Cluster {
        var clusterId: String
        var accountId: String?
        var tags: [String: String]
        var collectionError: String?
    }

    let keepsClusters: Bool
    private(set) var findings: [Finding] = []
    private(set) var clusters: [Cluster] = []
    private(set) var evaluated: [EvaluatedCluster] = []

    init(keepsClusters: Bool) { self.keepsClusters = keepsClusters }

    func add(_ cluster: EvaluatedCluster) {
        findings += cluster.findings
        let record = cluster.evidence.record
        clusters.append(
            Cluster(
                clusterId: record.clusterId, accountId: record.accountId, tags: record.tags,
                collectionError: cluster.evidence.collectionError))
        if keepsClusters { evaluated.append(cluster) }
    }
}

extension AuditRun {
    /// `collect`: the pipeline with each live cluster's documents written into `folder` as they arrive (the
    /// saved-evidence layout `--from` reads) and the listing pages written at the end, after the accounts not
    /// audited (`accounts.json`) and the regions and clusters not finished (`unfinished.json`), so that `--from`
    /// gives the same completeness notes. The folder must not hold a `clusters.json` yet; identifiers are checked
    /// before anything is written under it.
    public func collect(into folder: String) async throws(RunFailure) -> AuditOutcome {
        let writer = SavedEvidenceWriter(directory: folder)
        do {
            try writer.prepare()
        } catch {
            throw RunFailure(error.description)
        }
        var run = self
        run.observer = { documents in try writer.write(documents) }
        run.keepsListingPages = true
        let outcome = try await run.run()
        do {
            for skipped in outcome.skippedAccounts { try writer.recordSkipped(skipped) }
            for (region, reason) in outcome.failedRegions.sorted(by: { $0.key < $1.key }) {
                try writer.recordUnfinishedRegion(region, reason: reason)
            }
            try writer.writeListing(pages: outcome.listingPages)
        } catch {
            throw RunFailure(error.description)
        }
        return outcome
    }
}

/// The progress of several accounts collected at once, summed: each account's collector reports its own done and
/// total; the run's progress is their sums.
final class ProgressTally: Sendable {
    private let counts: Mutex<[(done: Int, total: Int)]>
    private let progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    init(accounts: Int, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?) {
        counts = Mutex(Array(repeating: (0, 0), count: accounts))
        self.progress = progress
    }

    func update(account: Int, done: Int, total: Int) {
        guard let progress else { return }
        let sums = counts.withLock { counts -> (Int, Int) in
            guard counts.indices.contains(account) else { return (0, 0) }
            counts[account] = (done, total)
            return counts.reduce((0, 0)) { ($0.0 + $1.done, $0.1 + $1.total) }
        }
        progress(sums.0, sums.1)
    }
}
