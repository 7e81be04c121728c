import ACKEmulator
import AlibabaCloud
import Audit
import Evidence
import Foundation
import LiveCollection
import Testing

/// Never silently incomplete: a listing read whatever page size the server applies, regions checked, the add-on
/// APIs' conflicting answers resolved by `eni-config`, and a run that ends on time with UNKNOWN, never PASS.
extension LiveCollectionTests {
    static let demoFleet = FleetGenerator.generate(.demo)

    static func clusterIds(_ run: Run) -> Set<String> { Set(run.documents.map(\.clusterId)) }

    @Test(
        "a server that answers smaller pages than asked for: every cluster, no region incomplete", arguments: [1, 2, 7])
    func smallerPagesThanAsked(maxPageSize: Int) async throws {
        let reference = try await run(.demo(), options: LiveCollectionOptions(pageSize: 50))
        var configuration = EmulatorConfiguration.demo()
        configuration.faults.maxListingPageSize = maxPageSize
        let small = try await run(configuration, options: LiveCollectionOptions(pageSize: 50))
        #expect(small.result.failedRegions.isEmpty, "\(small.result.failedRegions)")
        #expect(Self.clusterIds(small) == Self.clusterIds(reference))
        #expect(small.result.clusterCount == Self.demoFleet.clusters.count)
        // Pages follow what the server answered: a region of n clusters takes ceil(n / maxPageSize) pages.
        var byRegion = Dictionary(uniqueKeysWithValues: FleetSpecification.demo.regions.map { ($0, 0) })
        for cluster in Self.demoFleet.clusters {
            byRegion[cluster.detail["region_id"]?.stringValue ?? "", default: 0] += 1
        }
        let pages = byRegion.values.map { max(1, ($0 + maxPageSize - 1) / maxPageSize) }.reduce(0, +)
        #expect(small.counts["DescribeClustersV1"] == pages)
        #expect(small.findings == reference.findings)
    }

    @Test("a region the account does not have is an error naming the valid ones, not an empty success")
    func unknownRegion() async throws {
        let error = await #expect(throws: LiveCollectionError.self) {
            _ = try await run(.demo(), options: LiveCollectionOptions(regions: ["xx-nowhere-1", "cn-hangzhou"]))
        }
        guard case .unknownRegions(let unknown, let available)? = error else {
            Issue.record("expected unknownRegions, got \(String(describing: error))")
            return
        }
        #expect(unknown == ["xx-nowhere-1"])
        #expect(available.contains("cn-hangzhou"))
        #expect("\(error!)".contains("no such region \"xx-nowhere-1\""))
        let one = try await run(.demo(), options: LiveCollectionOptions(regions: ["cn-hangzhou", "cn-hangzhou"]))
        #expect(one.result.regions == ["cn-hangzhou"])
        #expect(one.documents.allSatisfy { $0.descriptions.first?.value["region_id"] == "cn-hangzhou" })
    }

    /// A demo cluster whose primary situation is `situation`.
    static func cluster(_ situation: FleetSituation) throws -> String {
        try #require(demoFleet.clusters.first { $0.situations.contains(situation) }?.id)
    }

    @Test("AddonNotFound on both add-on paths while meta_data names terway-eniip: eni-config decides, conflict noted")
    func addonAPIConflict() async throws {
        let enabled = try Self.cluster(.configMapFalse)
        let disabled = try Self.cluster(.configMapTrue)
        var configuration = EmulatorConfiguration.demo()
        configuration.faults.addonAPIDenies = [enabled: true, disabled: true]
        let live = try await run(configuration, options: LiveCollectionOptions())
        for (id, reason) in [(enabled, ReasonCode.configMapPolicyEnabled), (disabled, .configMapPolicyDisabled)] {
            let finding = try #require(live.findings.first { $0.clusterId == id && $0.rule == .networkPolicySupport })
            #expect(finding.reason == reason)
            #expect(finding.warnings.map(\.code) == [.addonAPIConflict])
            let documents = try #require(live.documents.first { $0.clusterId == id })
            #expect(documents.kubernetes["eni-config"] != nil, "eni-config is read whatever the add-on APIs say")
        }
        // Both paths were asked for each denied cluster.
        #expect((live.counts["DescribeClusterAddonInstance"] ?? 0) >= 2)
    }

    @Test("AddonNotFound on the current path only: the deprecated path answers, no conflict")
    func deprecatedPathAnswers() async throws {
        let id = try Self.cluster(.addonConfigDrift)
        var configuration = EmulatorConfiguration.demo()
        configuration.faults.addonAPIDenies = [id: false]
        let live = try await run(configuration, options: LiveCollectionOptions())
        let finding = try #require(live.findings.first { $0.clusterId == id && $0.rule == .networkPolicySupport })
        #expect(finding.reason == .configMapPolicyEnabled)
        #expect(finding.warnings.map(\.code) == [.addonConfigDrift], "the deprecated path's config is layer 2")
        let reference = try await run(.demo(), options: LiveCollectionOptions())
        #expect(
            live.counts["DescribeClusterAddonInstance", default: 0]
                == reference.counts["DescribeClusterAddonInstance", default: 0] + 1)
    }

    @Test(
        "--max-duration: clusters not collected in time are UNKNOWN collection-failed, never PASS; the listing decides the rest"
    )
    func runDeadline() async throws {
        // The add-on API throttles every call: those clusters wait for it until the run's deadline (each call's own
        // budget is longer). Nothing sleeps on the server, so the emulator stops at once.
        var configuration = EmulatorConfiguration.demo()
        configuration.faults.perAPI["GetClusterAddonInstance"] = APIFaults(throttlingFraction: 1)
        // The limit counts from the start of the collection (not of the emulator, slow to start on a loaded machine).
        var options = LiveCollectionOptions()
        options.maxDuration = .seconds(8)
        let started = ContinuousClock.now
        let live = try await run(configuration, options: options)
        #expect(started.duration(to: .now) < .seconds(40), "the run ends at its deadline, not the API's pace")
        #expect(live.result.clusterCount == Self.demoFleet.clusters.count)
        let support = live.findings.filter { $0.rule == .networkPolicySupport }
        #expect(!support.contains { $0.status == .pass })
        let cut = support.filter { $0.reason == .collectionFailed }
        #expect(!cut.isEmpty)
        #expect(cut.allSatisfy { $0.status == .unknown && $0.message.contains("time limit") })
        #expect(support.contains { $0.reason == .pluginFlannel }, "a cluster its listing decides needs no call")
        #expect(support.contains { $0.reason == .clusterDeleted })
        #expect(live.documents.filter { $0.collectionError != nil }.count == cut.count)
    }
}
