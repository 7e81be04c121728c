import ACKEmulator
import AlibabaCloud
import AsyncHTTPClient
import Audit
import Evidence
import Foundation
import KubernetesAPI
import LiveCollection
import TestSupport
import Testing

/// Live audits of the in-process emulator: the same findings as `--from` over what was collected, with and
/// without injected faults, and the Kubernetes failure modes as RULE.md wants them.
@Suite("live collection against the emulator")
struct LiveCollectionTests {
    struct Run {
        var findings: [Finding]
        var documents: [ClusterDocuments]
        var result: LiveCollectionResult
        var counts: [String: Int]
    }

    actor Documents {
        var items: [ClusterDocuments] = []
        func add(_ documents: ClusterDocuments) { items.append(documents) }
    }

    static let allRules = AuditOptions(rules: Set(RuleID.allCases))

    func run(
        _ configuration: EmulatorConfiguration,
        options: LiveCollectionOptions = LiveCollectionOptions(readCoverage: true),
        retry: RetryPolicy = .default
    ) async throws -> Run {
        var clientOptions = CSClientOptions()
        clientOptions.retry = retry
        return try await withEmulator(configuration, clientOptions: clientOptions) { harness in
            let store = Documents()
            let result = try await LiveCollector(client: harness.client, options: options).collect(handle: {
                await store.add($0)
            })
            let documents = await store.items
            let evidence = try documents.map { try $0.evidence() }
            return Run(
                findings: AuditEngine.evaluate(evidence, options: Self.allRules), documents: documents, result: result,
                counts: await harness.emulator.requestCounts())
        }
    }

    @Test("a live audit of the demo fleet equals --from over what collect saved")
    func liveEqualsSaved() async throws {
        let live = try await run(.demo())
        #expect(live.findings.count == 2 * live.result.clusterCount)
        #expect(live.result.clusterCount >= 20)
        let saved = try withTemporaryFolder(prefix: "ackguard-live") { folder in
            let writer = SavedEvidenceWriter(directory: folder.path)
            try writer.prepare()
            for documents in live.documents { try writer.write(documents) }
            try writer.writeListing(pages: live.result.listingPages)
            return AuditEngine.evaluate(try SavedEvidenceReader(directory: folder.path).read(), options: Self.allRules)
        }
        // Live evidence names the API call, saved evidence the file: the one difference (issue 18).
        #expect(saved == live.findings.map(LiveCollector.withSavedSources))
        // Every RULE.md reason of rule 1 that the demo fleet shows is reached live.
        let reasons = Set(live.findings.filter { $0.rule == .networkPolicySupport }.map(\.reason))
        #expect(
            reasons.isSuperset(of: [
                .clusterDeleted, .registeredCluster, .serverlessCluster, .pluginUnknown, .pluginFlannel,
                .pluginTerwayExclusiveENI, .configMapPolicyDisabled, .configMapPolicyEnabled, .configMapMissing,
            ]))
    }

    @Test("without kept listing pages the collector hands over the same documents and keeps no page")
    func listingPagesDropped() async throws {
        let kept = try await run(.demo(), options: LiveCollectionOptions(kubernetes: .none))
        let dropped = try await run(.demo(), options: LiveCollectionOptions(kubernetes: .none, keepListingPages: false))
        #expect(!kept.result.listingPages.isEmpty)
        #expect(dropped.result.listingPages.isEmpty)
        #expect(dropped.result.clusterCount == kept.result.clusterCount)
        // Each run has its own emulator, on its own port: the API server addresses differ, nothing else may.
        let byId = { (run: Run) in
            Dictionary(
                uniqueKeysWithValues: run.documents.map { documents in
                    (
                        documents.clusterId,
                        documents.descriptions.map { description -> JSONValue in
                            guard case .object(var members) = description.value else { return description.value }
                            members["master_url"] = nil
                            return .object(members)
                        }
                    )
                })
        }
        let same = byId(dropped) == byId(kept)
        #expect(same, "the listing entries handed over differ")
        #expect(Set(dropped.findings) == Set(kept.findings))
    }

    @Test("no per-cluster detail call, and no add-on call where the listing decides")
    func minimalCalls() async throws {
        let live = try await run(.demo(), options: LiveCollectionOptions(kubernetes: .none))
        #expect(live.counts["DescribeClusterDetail", default: 0] == 0)
        let decidedByListing = live.findings.filter {
            $0.rule == .networkPolicySupport
                && [.pluginFlannel, .pluginTerwayExclusiveENI, .clusterDeleted, .registeredCluster, .serverlessCluster]
                    .contains($0.reason)
        }.count
        let addonCalls = live.counts["GetClusterAddonInstance", default: 0]
        #expect(addonCalls == live.result.clusterCount - decidedByListing)
        #expect(live.counts["DescribeClusterUserKubeconfig", default: 0] == 0)
    }

    @Test("with 30% 5xx, throttling and connection resets the audit is complete and identical")
    func faultsDoNotChangeFindings() async throws {
        let clean = try await run(.demo())
        var faulty = EmulatorConfiguration.demo()
        faulty.faults.all = APIFaults(
            rateLimit: RateLimit(perSecond: 40, burst: 5), serverErrorFraction: 0.3, connectionResetFraction: 0.05)
        let retry = RetryPolicy(
            maxAttempts: 12, maxTotalAttempts: 60, baseDelay: .milliseconds(5), maxDelay: .milliseconds(200))
        let stressed = try await run(faulty, retry: retry)
        #expect(stressed.findings == clean.findings)
        let attempts = stressed.counts.values.reduce(0, +)
        #expect(attempts > clean.counts.values.reduce(0, +), "faults must have caused retries")
    }

    @Test("a hanging Kubernetes API gives configmap-unreadable within the cluster deadline; others are unaffected")
    func hangingKubernetesAPI() async throws {
        var configuration = EmulatorConfiguration.demo()
        let fleet = try configuration.makeFleet()
        let target = try #require(fleet.clusters(showing: .configMapFalse).first)
        let id = target.detail["cluster_id"]!.stringValue!
        configuration.faults.kubernetes[id] = .hang
        let options = LiveCollectionOptions(
            readCoverage: true, clusterTimeout: .milliseconds(800), kubernetesCallTimeout: .seconds(5))
        let live = try await run(configuration, options: options)
        let finding = try #require(live.findings.first { $0.clusterId == id && $0.rule == .networkPolicySupport })
        #expect(finding.status != .pass || finding.reason == .addonPolicyEnabled)
        #expect(finding.warnings.contains { $0.code == .configMapUnreadable })
        let coverage = try #require(live.findings.first { $0.clusterId == id && $0.rule == .networkPolicyCoverage })
        #expect(coverage.status == .unknown)
        #expect(coverage.reason == .kubernetesUnreadable)
    }

    @Test("forbidden and refused Kubernetes APIs are data: warnings, never a PASS from the ConfigMap")
    func forbiddenAndRefused() async throws {
        var configuration = EmulatorConfiguration.demo()
        let fleet = try configuration.makeFleet()
        let enabled = [FleetSituation.configMapFalse, .configMapKeyAbsent, .configMapZero, .configMapEmpty]
            .flatMap { fleet.clusters(showing: $0) }.map { $0.detail["cluster_id"]!.stringValue! }
        try #require(enabled.count >= 2)
        configuration.faults.kubernetes[enabled[0]] = .forbidden
        configuration.faults.kubernetes[enabled[1]] = .refuse
        let live = try await run(configuration)
        for id in enabled.prefix(2) {
            let finding = try #require(live.findings.first { $0.clusterId == id && $0.rule == .networkPolicySupport })
            #expect(finding.reason != .configMapPolicyEnabled)
            let warning = try #require(finding.warnings.first { $0.code == .configMapUnreadable })
            #expect(!warning.message.isEmpty)
        }
    }

    @Test("a cluster deleted mid-scan (after its add-on call) is reported once, as deleted")
    func disappearingCluster() async throws {
        var configuration = EmulatorConfiguration.demo()
        let fleet = try configuration.makeFleet()
        let id = try #require(fleet.clusters(showing: .configMapTrue).first?.detail["cluster_id"]?.stringValue)
        // The listing shows it and the add-on call succeeds; the kubeconfig call answers ErrorClusterNotFound.
        configuration.faults.disappearingClusters[id] = 1
        let live = try await run(configuration)
        let findings = live.findings.filter { $0.clusterId == id && $0.rule == .networkPolicySupport }
        #expect(findings.count == 1)
        #expect(findings.first?.status == .notApplicable)
        #expect(findings.first?.reason == .clusterDeleted)
    }

    @Test("--region limits the audit to those regions")
    func regions() async throws {
        let live = try await run(.demo(), options: LiveCollectionOptions(regions: ["cn-hangzhou"], kubernetes: .none))
        #expect(live.result.regions == ["cn-hangzhou"])
        #expect(!live.findings.isEmpty)
        #expect(live.findings.allSatisfy { $0.regionId == "cn-hangzhou" })
    }
}
