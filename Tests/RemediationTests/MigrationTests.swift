import ACKEmulator
import Audit
import Foundation
import Remediation
import Testing

@Suite("migration plans for Flannel and exclusive-ENI clusters")
struct MigrationTests {
    @Test("the CreateCluster body is derived from the existing cluster, with Terway and NetworkPolicy on")
    func bodyFromDetail() throws {
        let fleet = try EmulatorConfiguration.demo().makeFleet()
        let cluster = try #require(fleet.clusters(showing: .flannel).first)
        let detail = cluster.detail
        let plan = ReplacementClusterBuilder.plan(detail: detail, nodePools: cluster.nodePools, podVSwitches: [])
        let body = plan.createClusterBody
        #expect(body["region_id"] == detail["region_id"])
        #expect(body["kubernetes_version"] == detail["current_version"])
        #expect(body["vpcid"] == detail["vpc_id"])
        #expect(body["vswitch_ids"] == detail["vswitch_ids"])
        #expect(body["cluster_spec"] == detail["cluster_spec"])
        #expect(body["service_cidr"] == detail["service_cidr"])
        #expect(body["cluster_type"] == "ManagedKubernetes")
        #expect(body["name"]?.stringValue == cluster.name + "-terway")
        #expect(body["addons"] == [["name": "terway-eniip", "config": #"{"NetworkPolicy":"true"}"#]])
        #expect(body["pod_vswitch_ids"] == [.string(MigrationPlan.podVSwitchPlaceholder)])
        #expect(plan.usesPlaceholderPodVSwitch)
        #expect(body["container_cidr"] == nil, "Flannel's pod CIDR is not carried over")
        let tags = try #require(body["tags"]?.arrayValue)
        for tag in detail["tags"]?.arrayValue ?? [] { #expect(tags.contains(tag)) }
        #expect(tags.contains(["key": "ackguard.replaces", "value": .string(cluster.id)]))
        #expect(body["client_token"]?.stringValue == "ackguard-replace-" + cluster.id)
        let pools = try #require(body["nodepools"]?.arrayValue)
        #expect(pools.count == cluster.nodePools.count)
        #expect(
            pools.first?["scaling_group"]?["instance_types"]
                == cluster.nodePools.first?["scaling_group"]?["instance_types"])

        let terraform = plan.terraform
        #expect(terraform.contains("resource \"alicloud_cs_managed_kubernetes\""))
        #expect(terraform.contains("config = jsonencode({ NetworkPolicy = \"true\" })"))
        #expect(terraform.contains("pod_vswitch_ids"))
        #expect(terraform.contains("\"<POD_VSWITCH_ID>\""))
        #expect(terraform.contains(detail["vswitch_ids"]![0]!.stringValue!))
        let version = detail["current_version"]!.stringValue!
        #expect(
            terraform.split(separator: "\n").contains { $0.hasPrefix("  version ") && $0.hasSuffix("= \"\(version)\"") }
        )
        #expect(terraform.contains("resource \"alicloud_cs_kubernetes_node_pool\""))
        #expect(terraform.contains("\"ackguard.replaces\" = \"\(cluster.id)\""))

        let named = ReplacementClusterBuilder.plan(
            detail: detail, nodePools: nil, podVSwitches: ["vsw-pod1", "vsw-pod2"])
        #expect(named.createClusterBody["pod_vswitch_ids"] == ["vsw-pod1", "vsw-pod2"])
        #expect(!named.usesPlaceholderPodVSwitch)
        #expect(named.createClusterBody["nodepools"] == nil)
        #expect(named.notes.contains { $0.contains("node pools could not be read") })
    }

    @Test("an exclusive-ENI node pool label is not carried over; Terraform strings are escaped")
    func exclusiveLabelDropped() {
        let detail: JSONValue = [
            "cluster_id": "cold", "name": "legacy \"${x}\"", "region_id": "cn-hangzhou", "cluster_type": "Kubernetes",
            "vpc_id": "vpc-1", "vswitch_id": "vsw-1", "current_version": "1.22.15-aliyun.1",
            "tags": [["key": "note", "value": "a \"b\" ${c} %{d}"]],
        ]
        let pool: JSONValue = [
            "nodepool_info": ["name": "eni-only"],
            "scaling_group": ["instance_types": ["ecs.g7.large"], "vswitch_ids": ["vsw-1"], "desired_size": 2],
            "kubernetes_config": [
                "runtime": "containerd",
                "labels": [
                    ["key": "k8s.aliyun.com/exclusive-mode-eni-type", "value": "eniOnly"],
                    ["key": "team", "value": "data"],
                ],
            ],
        ]
        let plan = ReplacementClusterBuilder.plan(detail: detail, nodePools: [pool], podVSwitches: ["vsw-p"])
        let labels = plan.createClusterBody["nodepools"]?[0]?["kubernetes_config"]?["labels"]
        #expect(labels == [["key": "team", "value": "data"]])
        #expect(plan.notes.contains { $0.contains("exclusive ENI") })
        #expect(plan.notes.contains { $0.contains("managed cluster") })
        #expect(plan.createClusterBody["cluster_spec"] == "ack.pro.small")
        #expect(plan.createClusterBody["vswitch_ids"] == ["vsw-1"])
        #expect(plan.createClusterBody["is_enterprise_security_group"] == true)
        #expect(plan.createClusterBody["name"] == "legacy----x---terway")
        #expect(plan.terraform.contains("= [\"vsw-1\"]"))
        #expect(plan.terraform.contains(#"= "a \"b\" $${c} %%{d}""#))
    }

    @Test("--create-replacement refuses placeholder pod vSwitches and never calls CreateCluster then")
    func placeholderRefused() async throws {
        try await RemediationHarness.with { harness in
            let id = try #require(harness.ids(showing: .flannel).first)
            let cluster = try #require(try await harness.audit().first { $0.clusterId == id })
            let options = harness.options(createReplacement: true)
            let plan = await harness.plan([cluster], options: options)
            #expect(plan.clusters.first?.refusal?.contains("--pod-vswitch") == true)
            let result = await FixApplier(context: harness.context()).apply(plan, options: options)
            #expect(result.outcomes.first?.result == .refused)
            #expect(await harness.writeCalls() == [:])
            let run = FixRun(
                mode: .apply, startedAt: "", finishedAt: "", source: "", plan: plan, outcomes: result.outcomes)
            #expect(run.exitCode == ExitStatus.inputError)

            // Without --create-replacement, --apply leaves the cluster alone.
            let quiet = await FixApplier(context: harness.context()).apply(plan, options: harness.options())
            #expect(quiet.outcomes.first?.result == .unchanged)
        }
    }

    @Test("--create-replacement submits CreateCluster, follows the task, and keeps the old cluster")
    func replacementCreated() async throws {
        try await RemediationHarness.with { harness in
            let id = try #require(harness.ids(showing: .terwayExclusiveENIOnly).first)
            let cluster = try #require(try await harness.audit().first { $0.clusterId == id })
            let options = harness.options(podVSwitches: ["vsw-pods0001"], createReplacement: true)
            let plan = await harness.plan([cluster], options: options)
            let result = await FixApplier(context: harness.context()).apply(plan, options: options)
            let outcome = try #require(result.outcomes.first)
            #expect(outcome.result == .replacementCreated, "\(outcome.error ?? "")")
            let newId = try #require(outcome.replacementClusterId)
            #expect(outcome.writes.map(\.api) == ["CreateCluster"])
            #expect(outcome.writes.first?.after == newId)
            #expect(outcome.after?.clusterId == newId)
            #expect(outcome.after?.status == .pass)
            let counts = await harness.emulator.requestCounts()
            #expect(counts["CreateCluster"] == 1)
            #expect(counts["DescribeTaskInfo", default: 0] >= 1)
            let created = try #require(await harness.emulator.state.cluster(newId))
            #expect(created.detail["state"] == "running")
            #expect(
                try parsedConfig(created.addon(named: "terway-eniip")?["config"]?.stringValue)["NetworkPolicy"]
                    == "true")
            // The old cluster is untouched.
            let old = try #require(await harness.emulator.state.cluster(id))
            #expect(old.detail["state"] == cluster.listing["state"])
            #expect(old.addon(named: "terway-eni") != nil)
            #expect(result.rollbackFile == nil)
        }
    }
}
