import ACKEmulator
import Audit
import Foundation
import Remediation
import Testing

@Suite("fix plan: what would be done, with zero writes")
struct FixPlanTests {
    @Test("plan mode makes zero write calls (emulator request log)")
    func planMakesNoWrites() async throws {
        try await RemediationHarness.with { harness in
            let audited = try await harness.audit()
            let plan = await harness.plan(audited, options: harness.options())
            #expect(!plan.clusters.isEmpty)
            let counts = await harness.emulator.requestCounts()
            #expect(counts["DescribeClusterNodePools", default: 0] > 0, "the migration plans read node pools")
            #expect(counts["k8s:GET networkpolicies", default: 0] > 0, "the plan lists NetworkPolicies")
            #expect(await harness.writeCalls() == [:])
        }
    }

    @Test("every failing situation of the demo fleet gets the right action")
    func actionsPerSituation() async throws {
        try await RemediationHarness.with { harness in
            let plan = await harness.plan(try await harness.audit(), options: harness.options())
            func action(_ situation: FleetSituation) -> Set<ClusterPlan.Action> {
                let ids = Set(harness.ids(showing: situation))
                return Set(plan.clusters.filter { ids.contains($0.clusterId) }.map(\.action))
            }
            for situation in [FleetSituation.configMapTrue, .configMapOne, .configMapSpaceFalse, .configMapCapitalTrue]
            {
                #expect(action(situation) == [.enableInPlace], "\(situation)")
            }
            #expect(action(.flannel) == [.migrate])
            #expect(action(.terwayExclusiveENIOnly) == [.migrate])
            // The Kubernetes API refuses: eni-config can be neither patched nor verified.
            #expect(action(.addonPolicyFalseUnverified) == [.blocked])
            #expect(action(.addonPolicyAbsentUnverified) == [.blocked])
            #expect(action(.configMapMissing) == [.noAutomaticFix])
            #expect(action(.pluginUnknown) == [.noAutomaticFix])
            // Passing and not-applicable clusters are not in the plan.
            let planned = Set(plan.clusters.map(\.clusterId))
            for situation in [FleetSituation.configMapFalse, .deleting, .registered, .largeFelixCluster] {
                #expect(planned.isDisjoint(with: harness.ids(showing: situation)), "\(situation)")
            }
            #expect(plan.exitCode == ExitStatus.failures)
        }
    }

    @Test("the in-place plan shows node count, datapath, Terway version and the NetworkPolicies that start to bite")
    func preconditionsAreShown() async throws {
        try await RemediationHarness.with { harness in
            let id = try #require(harness.ids(showing: .configMapTrue).first)
            let cluster = try #require(try await harness.audit().first { $0.clusterId == id })
            let plan = await harness.plan([cluster], options: harness.options())
            let clusterPlan = try #require(plan.clusters.first)
            let pre = try #require(clusterPlan.preconditions)
            let stored = try await harness.emulator.state.withKubernetesStore(clusterId: id) { store in
                (
                    store.objects(kind: "Node").count,
                    store.objects(kind: "NetworkPolicy").map {
                        "\($0["metadata"]!["namespace"]!.stringValue!)/\($0["metadata"]!["name"]!.stringValue!)"
                    }.sorted()
                )
            }
            #expect(pre.nodeCount == stored.0)
            #expect(pre.nodeCountSource == "Kubernetes nodes")
            #expect(pre.networkPolicies == stored.1)
            #expect(!stored.1.isEmpty, "the demo cluster has policies, so the plan must list them")
            #expect(pre.datapath != nil)
            #expect(pre.terwayVersion == "v1.9.6")
            #expect(pre.terwayImage?.hasSuffix("terway:v1.9.6") == true)
            #expect(pre.configMapValue == "true")
            #expect(pre.configMapResourceVersion != nil)
            #expect(clusterPlan.warnings.contains { $0.contains("start to be enforced") && $0.contains(stored.1[0]) })
            #expect(clusterPlan.refusal == nil)
            let text = FixReportText.plan(plan)
            #expect(text.contains("ModifyClusterAddon terway-eniip"))
            #expect(text.contains("kubectl.kubernetes.io/restartedAt"))
            #expect(text.contains("nothing was changed"))
        }
    }

    @Test("over 100 nodes with the Felix datapath: refused without --allow-large, planned with it")
    func largeFelixCluster() async throws {
        try await RemediationHarness.with { harness in
            let id = try #require(harness.ids(showing: .largeFelixCluster).first)
            try await harness.editConfigMap(id) { $0["disable_network_policy"] = "true" }
            let cluster = try #require(try await harness.audit().first { $0.clusterId == id })
            #expect(cluster.finding.status == .fail)
            let refused = try #require(await harness.plan([cluster], options: harness.options()).clusters.first)
            #expect(refused.action == .enableInPlace)
            #expect(refused.preconditions?.nodeCount == 120)
            #expect(refused.preconditions?.datapath == .felix)
            #expect(refused.preconditions?.isLargeFelix == true)
            #expect(refused.refusal?.contains("--allow-large") == true)
            let allowed = try #require(
                await harness.plan([cluster], options: harness.options(allowLarge: true)).clusters.first)
            #expect(allowed.refusal == nil)
            #expect(allowed.warnings.contains { $0.contains("--allow-large") })
        }
    }

    @Test("a JSON plan carries the actions, preconditions and migration bodies")
    func jsonPlan() async throws {
        try await RemediationHarness.with { harness in
            let plan = await harness.plan(try await harness.audit(), options: harness.options())
            let run = FixRun(mode: .plan, startedAt: "t0", finishedAt: "t1", source: "emulator", plan: plan)
            let document = try JSONValue.parse(FixReportJSON.render(run, toolVersion: "test"))
            #expect(document["mode"] == "plan")
            #expect(document["writes"] == .array([]))
            let clusters = try #require(document["clusters"]?.arrayValue)
            #expect(clusters.count == plan.clusters.count)
            let flannel = try #require(harness.ids(showing: .flannel).first)
            let entry = try #require(clusters.first { $0["clusterId"]?.stringValue == flannel })
            #expect(entry["action"] == "migrate")
            #expect(entry["migration"]?["createClusterBody"]?["addons"]?[0]?["name"] == "terway-eniip")
            #expect(document["exitCode"] == 1)
        }
    }
}
