import ACKEmulator
import Audit
import AuditRun
import Evidence
import Foundation
import Synchronization
import TestSupport
import Testing

/// One huge account does not starve the others: with `--account-concurrency` accounts at once, the small accounts'
/// clusters are all done before the huge account's last one.
@Suite("organisation audits: fairness between accounts")
struct AccountFairnessTests {
    static let bigClusters = 200

    /// The management account (2 clusters) and 12 members: member-01 holds ``bigClusters`` clusters and is listed
    /// first, the others 2 each (member-02 has no role and member-03 is not active, as in ``OrganisationTests``).
    static func configuration() -> EmulatorConfiguration {
        var configuration = OrganisationTests.organisationConfiguration()
        configuration.fleet = .generated(FleetSpecification(clusterCount: 2, seed: 5))
        configuration.organisation!.members[0].fleet.clusterCount = bigClusters
        return configuration
    }

    /// The account of each cluster, in the order the run finished them (the documents the pipeline hands over as
    /// each cluster's collection completes).
    func finishingOrder(accountConcurrency: Int, concurrency: Int) async throws -> (
        order: [String], outcome: AuditOutcome
    ) {
        let order = Mutex<[String]>([])
        let outcome = try await OrganisationTests().withOrganisation(Self.configuration()) { settings, environment in
            var settings = settings
            settings.accountConcurrency = accountConcurrency
            settings.concurrency = concurrency
            // Each cluster as a real audit reads it (CS, then its Kubernetes API): clusters, not listings, take the
            // time, as in a real organisation.
            settings.noKubernetes = false
            var run = AuditRun(AuditRequest(source: .live(settings), environment: environment, toolVersion: "test"))
            run.observer = { documents in order.withLock { $0.append(documents.accountId ?? "-") } }
            return try await run.run()
        }
        return (order.withLock { $0 }, outcome)
    }

    @Test(
        "the small accounts' clusters all finish before the huge account's last cluster",
        arguments: [(4, LiveSettings().concurrency), (2, 16), (1, 8)])
    func smallAccountsAreNotStarved(_ accountConcurrency: Int, _ concurrency: Int) async throws {
        let (order, outcome) = try await finishingOrder(
            accountConcurrency: accountConcurrency, concurrency: concurrency)
        let big = OrganisationTests.member(1)
        let small = Set(order).subtracting([big])
        #expect(order.filter { $0 == big }.count == Self.bigClusters)
        #expect(small.count == 10, "the management account and 9 active members: \(small.sorted())")
        #expect(order.count == outcome.clusterCount)
        let lastBig = try #require(order.lastIndex(of: big))
        let lastSmall = try #require(order.lastIndex { $0 != big })
        let bigDoneBefore = order[..<lastSmall].filter { $0 == big }.count
        print(
            "account-concurrency \(accountConcurrency), concurrency \(concurrency): the small accounts were done "
                + "after \(bigDoneBefore) of the huge account's \(Self.bigClusters) clusters")
        #expect(lastSmall < lastBig, "a small account's cluster finished after the huge account's last")
    }
}
