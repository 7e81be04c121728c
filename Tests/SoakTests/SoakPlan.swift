import ACKEmulator
import Audit
import Foundation

/// A fleet and the faults a soak throws at it, chosen from a seed.
struct SoakPlan {
    static let regions = [
        "cn-hangzhou", "cn-shanghai", "cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu",
        "cn-shenzhen", "cn-guangzhou", "cn-chengdu", "cn-hongkong", "ap-southeast-1", "ap-southeast-3",
        "ap-southeast-5", "ap-northeast-1", "eu-central-1", "eu-west-1", "us-west-1", "us-east-1", "me-east-1",
    ]

    let fleet: Fleet
    /// Clusters whose Kubernetes API is dead (hangs or refuses connections): 5%.
    let deadKubernetes: [String: KubernetesFault]
    /// Clusters deleted mid-scan after some calls named them (`disappearingClusters`): a third of the 2%.
    let deletedAfterCalls: [String: Int]
    /// Clusters on page 1 of a region listed over several pages, deleted as soon as that page is answered
    /// (`disappearingAfterListings`): the other pages shift, and a collector that reads each page once misses the
    /// cluster that moved from page 2 onto page 1.
    let deletedWhileListing: [String: Int]

    init(clusters: Int, seed: UInt64, pageSize: Int) {
        let fleet = FleetGenerator.generate(
            FleetSpecification(clusterCount: clusters, seed: seed, regions: Self.regions))
        var random = SeededRandomNumberGenerator(seed: seed ^ 0x5EED_50A4)
        var ids = fleet.clusters.map(\.id)
        ids.shuffle(using: &random)
        let deadCount = max(2, Int((Double(clusters) * 0.05).rounded()))
        let deletedCount = max(2, Int((Double(clusters) * 0.02).rounded()))
        var dead: [String: KubernetesFault] = [:]
        for (index, id) in ids.prefix(deadCount).enumerated() {
            dead[id] = index % 2 == 0 ? .hang : .refuse
        }
        // Where each cluster stands in its region's listing (the emulator lists the fleet's order, newest first).
        var position: [String: Int] = [:]
        var regionSize: [String: Int] = [:]
        var regionOf: [String: String] = [:]
        for cluster in fleet.clusters {
            let region = cluster.detail["region_id"]?.stringValue ?? ""
            regionOf[cluster.id] = region
            position[cluster.id] = regionSize[region, default: 0]
            regionSize[region, default: 0] += 1
        }
        func onFirstOfSeveralPages(_ id: String) -> Bool {
            position[id, default: 0] < pageSize && regionSize[regionOf[id, default: ""], default: 0] > pageSize
        }
        let rest = ids.dropFirst(deadCount)
        let listingCount = deletedCount - deletedCount / 3
        var whileListing: [String: Int] = [:]
        for id in rest.filter(onFirstOfSeveralPages).prefix(listingCount) { whileListing[id] = 1 }
        var afterCalls: [String: Int] = [:]
        for id in rest.filter({ whileListing[$0] == nil }).prefix(deletedCount - whileListing.count) {
            // Listed, then gone after 1 call naming it (its add-on call), 2 (and its kubeconfig) or 3 (and its
            // first Kubernetes read): each later call answers ErrorClusterNotFound or drops the connection.
            afterCalls[id] = 1 + Int(random.next() % 3)
        }
        self.fleet = fleet
        deadKubernetes = dead
        deletedAfterCalls = afterCalls
        deletedWhileListing = whileListing
    }

    /// The fleet served without faults.
    var cleanConfiguration: EmulatorConfiguration {
        EmulatorConfiguration(fleet: .fleet(fleet), seed: 11)
    }

    /// The fleet behind an unreliable gateway: 30% 5xx, 20% throttling, 5% connection resets, plus the dead
    /// Kubernetes APIs and the deletions.
    var faultyConfiguration: EmulatorConfiguration {
        var configuration = EmulatorConfiguration(fleet: .fleet(fleet), seed: 12)
        configuration.faults = FaultConfiguration(
            all: APIFaults(serverErrorFraction: 0.3, connectionResetFraction: 0.05, throttlingFraction: 0.2),
            kubernetes: deadKubernetes, disappearingClusters: deletedAfterCalls,
            disappearingAfterListings: deletedWhileListing)
        return configuration
    }

    /// Clusters whose evidence the faults take away: the soak compares only the others with the fault-free run.
    var unreachable: Set<String> {
        Set(deadKubernetes.keys).union(deletedAfterCalls.keys).union(deletedWhileListing.keys)
    }

    /// The rule-1 verdict RULE.md gives the cluster's primary situation.
    func expectedSupport(_ clusterId: String) -> (status: String, reason: String)? {
        guard let cluster = fleet.cluster(id: clusterId),
            let verdict = cluster.situations.first(where: \.isPrimary)?.expectedSupportVerdict
        else { return nil }
        return (verdict.status, verdict.reason)
    }
}
