import Audit
public import Foundation
import LiveCollection
public import Remediation

/// What `fix` is asked to do, resolved from the command line.
public struct FixRequest: Sendable {
    public var live: LiveSettings
    /// Only these clusters (empty: every failing one).
    public var clusterIds: [String]
    public var options: FixOptions
    public var rolloutTimeout: Duration
    public var environment: [String: String]
    public var toolVersion: String

    public init(
        live: LiveSettings, clusterIds: [String] = [], options: FixOptions, rolloutTimeout: Duration = .seconds(300),
        environment: [String: String], toolVersion: String
    ) {
        self.live = live
        self.clusterIds = clusterIds
        self.options = options
        self.rolloutTimeout = rolloutTimeout
        self.environment = environment
        self.toolVersion = toolVersion
    }
}

/// `fix` built on the audit pipeline: one live session in which the audit (``AuditRun/run(in:)``), the plan, the
/// apply and the re-audits all happen. The caller decides what to print and whether to go ahead (confirmation);
/// this type decides everything else.
public struct FixSession: Sendable {
    public let request: FixRequest
    public let session: LiveSession
    public let context: RemediationContext
    /// The clock of the run's timestamps.
    public var now: @Sendable () -> Date = { Date() }

    /// Opens the session (`withLiveSession`), runs `body`, and closes it whatever happens.
    public static func open<T: Sendable>(
        _ request: FixRequest, events: @escaping FixEventHandler, _ body: (FixSession) async throws -> T
    ) async throws(RunFailure) -> T {
        // A fix writes with one account's client: a cluster of another account must never be planned, applied or
        // rolled back with it.
        if request.live.usesResourceDirectory || request.live.roleArns.count > 1 || request.live.shard != nil {
            throw RunFailure(
                "fix works on one account at a time", at: "--resource-directory/--role-arn",
                "audit the organisation, then fix each account with one --role-arn")
        }
        do {
            return try await withLiveSession(
                request.live, environment: request.environment, userAgent: "ackguard/\(request.toolVersion)",
                readCoverage: false
            ) { session in
                // The account audited: the one --role-arn's, else the base credentials'.
                let client = session.accounts.first?.client ?? session.client
                let collector = LiveCollector(client: client, options: session.collectionOptions)
                let context = RemediationContext(
                    client: client, collector: collector,
                    timing: RemediationTiming(
                        pollInterval: session.isEmulated ? .milliseconds(100) : .seconds(2),
                        rolloutTimeout: request.rolloutTimeout),
                    events: events, toolVersion: request.toolVersion, sourceLocation: session.location)
                return try await body(FixSession(request: request, session: session, context: context))
            }
        } catch {
            throw RunFailure.classify(error)
        }
    }

    // MARK: - Plan and apply

    /// Audits rule 1 exactly as `audit` does (the same pipeline), keeps the clusters in scope and plans every
    /// failing one. A cluster id that the audit did not see is an input error.
    public func plan() async throws(RunFailure) -> FixRun {
        let started = now()
        var audit = AuditRun(
            AuditRequest(
                source: .live(request.live), options: AuditOptions(rules: [.networkPolicySupport]),
                environment: request.environment, toolVersion: request.toolVersion))
        audit.keepsClusters = true
        audit.now = now
        let outcome = try await audit.run(in: session)
        var audited = outcome.clusters.map { cluster in
            AuditedCluster(
                listing: cluster.listing ?? .object(["cluster_id": .string(cluster.evidence.record.clusterId)]),
                evidence: cluster.evidence, finding: cluster.findings[0])
        }
        if !request.clusterIds.isEmpty {
            let known = Set(audited.map(\.clusterId))
            let unknown = request.clusterIds.filter { !known.contains($0) }
            guard unknown.isEmpty else {
                let regions = request.live.regions.isEmpty ? "all" : request.live.regions.joined(separator: ", ")
                throw RunFailure(
                    "no cluster \(unknown.joined(separator: ", ")) in the audited regions (\(regions))")
            }
            audited = audited.filter { request.clusterIds.contains($0.clusterId) }
        }
        let plan = await FixPlanner(context: context).plan(audited, options: request.options)
        return FixRun(
            mode: .plan, startedAt: Timestamp.rfc3339(started), finishedAt: Timestamp.rfc3339(now()),
            source: context.sourceLocation, plan: plan, notices: outcome.completenessNotes)
    }

    /// What `--apply` would change, as a yes/no question; `nil` when it would change nothing.
    public func applyQuestion(_ plan: FixPlan) -> String? {
        let inPlace = plan.clusters(.enableInPlace).filter { $0.refusal == nil }.count
        let create = request.options.createReplacement
        let replacements = create ? plan.clusters(.migrate).filter { $0.refusal == nil }.count : 0
        guard inPlace + replacements > 0 else { return nil }
        return "Apply: enable NetworkPolicy in place on \(inPlace) cluster(s)"
            + (create ? " and create \(replacements) replacement cluster(s)" : "") + "?"
    }

    /// Applies a plan made by ``plan()``: writes (each recorded for rollback first), verifies, re-audits.
    public func apply(_ planned: FixRun) async -> FixRun {
        var run = planned
        run.mode = .apply
        guard let plan = planned.plan else { return run }
        let applied = await FixApplier(context: context).apply(plan, options: request.options)
        run.outcomes = applied.outcomes
        run.rollbackFile = applied.rollbackFile
        run.finishedAt = Timestamp.rfc3339(now())
        return run
    }

    // MARK: - Rollback

    /// A rollback file, checked against every selected cluster as it stands before anything is written.
    public struct RollbackCheck: Sendable {
        public var path: String
        public var file: RollbackFile
        public var verified: [RollbackRunner.VerifiedEntry]
    }

    /// Reads `path` and checks it (``RollbackRunner/verify(_:only:)``): any mismatch is an input error, with
    /// nothing written.
    public func checkRollback(_ path: String) async throws(RunFailure) -> RollbackCheck {
        let file: RollbackFile
        do {
            file = try RollbackFile.load(from: URL(fileURLWithPath: path))
        } catch {
            throw RunFailure("\(error)")
        }
        let recorded = Set(file.clusters.map(\.clusterId))
        let unknown = request.clusterIds.filter { !recorded.contains($0) }
        guard unknown.isEmpty else {
            throw RunFailure("\(path) records no cluster \(unknown.joined(separator: ", "))")
        }
        do {
            let only = request.clusterIds.isEmpty ? nil : Set(request.clusterIds)
            let verified = try await RollbackRunner(context: context).verify(file, only: only)
            return RollbackCheck(path: path, file: file, verified: verified)
        } catch {
            throw RunFailure("\(error)")
        }
    }

    /// Restores what ``checkRollback(_:)`` verified.
    public func restore(_ check: RollbackCheck) async -> FixRun {
        let started = now()
        let outcomes = await RollbackRunner(context: context).restore(check.verified)
        return FixRun(
            mode: .rollback, startedAt: Timestamp.rfc3339(started), finishedAt: Timestamp.rfc3339(now()),
            source: context.sourceLocation, plan: nil, outcomes: outcomes, rollbackFile: check.path)
    }
}
