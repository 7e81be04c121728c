import Audit
import TestSupport
import Testing

@testable import InfrastructureAsCode

/// `terraform show -json` output: planned values, values known only after apply, module addresses, add-on
/// resources linked through `configuration` references.
@Suite struct TerraformPlanTests {
    @Test func prettyPrintedPlan() throws {
        let result = Fixture.scan(["plan/plan-basic.json"])
        #expect(result.diagnostics.isEmpty)
        #expect(result.filesScanned == [Fixture.path("plan/plan-basic.json")])
        let expectations: [Expectation] = [
            .init("alicloud_cs_managed_kubernetes.prod", .pass, .addonPolicyEnabled, "plan/plan-basic.json", 32, 15),
            .init("alicloud_cs_managed_kubernetes.flannel", .fail, .pluginFlannel, "plan/plan-basic.json", 74, 13),
            .init("alicloud_cs_managed_kubernetes.pending", .unknown, .valueUnknown, "plan/plan-basic.json", 123, 13),
            // NetworkPolicy "false" on the cluster, "true" from the add-on resource found through `configuration`.
            .init("alicloud_cs_managed_kubernetes.weak", .pass, .addonPolicyEnabled, "plan/plan-basic.json", 201, 11),
            // An existing cluster (known id) changed by an add-on resource that names it by id.
            .init(
                "alicloud_cs_managed_kubernetes.existing", .fail, .addonPolicyDisabled, "plan/plan-basic.json", 281, 11),
        ]
        for expectation in expectations { expectation.check(in: result) }
        #expect(result.findings.count == expectations.count, "the deleted cluster is not reported")
        let pending = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.pending"))
        #expect(
            pending.message
                == "addons[1].config is not known before apply (the plan marks it as known only after apply), so the "
                + "NetworkPolicy setting cannot be checked")
        let prod = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.prod"))
        #expect(prod.regionId == "cn-beijing")
        #expect(prod.clusterName == "prod")
        #expect(prod.evidence["resource"]?["format"] == "terraform-plan")
    }

    @Test func compactPlanWithModules() throws {
        let result = Fixture.scan(["plan/plan-modules.json"])
        #expect(result.diagnostics.isEmpty)
        let file = "plan/plan-modules.json"
        let expectations: [Expectation] = [
            .init("module.platform.alicloud_cs_managed_kubernetes.this", .pass, .addonPolicyEnabled, file, 1, 1058),
            // Linked through var.cluster_id of module.policy, fed by module.legacy's output.
            .init("module.legacy.alicloud_cs_managed_kubernetes.this", .pass, .addonPolicyEnabled, file, 1, 2221),
            .init(
                "module.edge[0].alicloud_cs_serverless_kubernetes.this", .notApplicable, .serverlessCluster, file, 1,
                2443),
            .init("module.shards[\"b\"].alicloud_cs_managed_kubernetes.this", .unknown, .valueUnknown, file, 1, 3000),
            .init("alicloud_cs_kubernetes_addon.orphan.cluster_id", .pass, .addonPolicyEnabled, file, 1, 3828),
        ]
        for expectation in expectations { expectation.check(in: result) }
        #expect(result.findings.count == expectations.count)
        let legacy = try #require(Fixture.finding(result, "module.legacy.alicloud_cs_managed_kubernetes.this"))
        #expect(legacy.evidence["addonConfig"]?["overriddenBy"] == ["module.policy.alicloud_cs_kubernetes_addon.this"])
        let shard = try #require(Fixture.finding(result, "module.shards[\"b\"].alicloud_cs_managed_kubernetes.this"))
        #expect(shard.message.hasPrefix("addons is not known before apply"))
        let orphan = try #require(Fixture.finding(result, "alicloud_cs_kubernetes_addon.orphan.cluster_id"))
        #expect(orphan.message.contains("cannot be identified"))
    }

    @Test func stateOutputAndPlannedValuesWithoutChanges() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write(
            "state.json",
            """
            {"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[
              {"address":"alicloud_cs_managed_kubernetes.k","mode":"managed","type":"alicloud_cs_managed_kubernetes",
               "name":"k","values":{"id":"c1","name":"k","addons":[{"name":"terway-eniip","config":"","disabled":false}]}},
              {"address":"data.alicloud_zones.z","mode":"data","type":"alicloud_cs_managed_kubernetes","name":"z",
               "values":{}}],
             "child_modules":[{"address":"module.m","resources":[
              {"address":"module.m.alicloud_cs_kubernetes.d","mode":"managed","type":"alicloud_cs_kubernetes",
               "name":"d","values":{"addons":[{"name":"flannel","config":"","disabled":false}]}}]}]}}}
            """)
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(result.diagnostics.isEmpty)
        Expectation("alicloud_cs_managed_kubernetes.k", .fail, .addonPolicyDisabled, "state.json", 3, 79)
            .check(in: result, root: folder.path)
        Expectation("module.m.alicloud_cs_kubernetes.d", .fail, .pluginFlannel, "state.json", 8, 35)
            .check(in: result, root: folder.path)
        #expect(result.findings.count == 2, "data sources are not resources")
    }
}
