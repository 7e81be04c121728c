import Audit
import TestSupport
import Testing

@testable import InfrastructureAsCode

/// The Terraform (HCL) corpus: every cluster resource gets the verdict RULE.md's IaC section gives, pointing at the
/// block or attribute at fault.
@Suite struct TerraformConfigurationTests {
    static let corpus: [(folder: String, expectations: [Expectation])] = [
        (
            "terraform/policy-true",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.prod", .pass, .addonPolicyEnabled, "terraform/policy-true/main.tf",
                    21, 5)
            ]
        ),
        (
            "terraform/policy-false",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.auto_mode", .fail, .addonPolicyDisabled,
                    "terraform/policy-false/main.tf",
                    17, 5)
            ]
        ),
        (
            "terraform/policy-absent",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.no_config", .fail, .addonPolicyDisabled,
                    "terraform/policy-absent/main.tf",
                    5, 3),
                .init(
                    "alicloud_cs_managed_kubernetes.trunking_only", .fail, .addonPolicyDisabled,
                    "terraform/policy-absent/main.tf", 16, 5),
            ]
        ),
        (
            "terraform/flannel",
            [.init("alicloud_cs_kubernetes.legacy", .fail, .pluginFlannel, "terraform/flannel/main.tf", 12, 3)]
        ),
        (
            "terraform/terway-eni",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.exclusive", .fail, .pluginTerwayExclusiveENI,
                    "terraform/terway-eni/main.tf",
                    5, 3)
            ]
        ),
        (
            "terraform/serverless",
            [
                .init(
                    "alicloud_cs_serverless_kubernetes.ask", .notApplicable, .serverlessCluster,
                    "terraform/serverless/main.tf", 1, 1),
                .init(
                    "alicloud_cs_managed_kubernetes.acs", .notApplicable, .serverlessCluster,
                    "terraform/serverless/main.tf", 10, 1),
                .init(
                    "alicloud_cs_managed_kubernetes.bare", .unknown, .pluginUnknown, "terraform/serverless/main.tf", 15,
                    1),
            ]
        ),
        (
            "terraform/addon-override",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.k8s", .pass, .addonPolicyEnabled,
                    "terraform/addon-override/main.tf", 14, 3),
                .init(
                    "alicloud_cs_managed_kubernetes.regressed", .fail, .addonPolicyDisabled,
                    "terraform/addon-override/main.tf",
                    29, 3),
                .init(
                    "c8f2a9e7b61d54c3e9a0b1c2d3e4f5a6b", .pass, .addonPolicyEnabled, "terraform/addon-override/main.tf",
                    41, 3),
            ]
        ),
        (
            "terraform/variables",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.a", .pass, .addonPolicyEnabled, "terraform/variables/main.tf", 5, 5),
                .init(
                    "alicloud_cs_managed_kubernetes.b", .fail, .addonPolicyDisabled, "terraform/variables/main.tf", 13,
                    5),
                .init(
                    "alicloud_cs_managed_kubernetes.c", .pass, .addonPolicyEnabled, "terraform/variables/main.tf", 21, 5
                ),
                .init(
                    "alicloud_cs_managed_kubernetes.d", .unknown, .valueUnknown, "terraform/variables/main.tf", 29, 5),
                .init(
                    "alicloud_cs_managed_kubernetes.e", .fail, .addonPolicyDisabled, "terraform/variables/main.tf", 37,
                    5),
            ]
        ),
        (
            "terraform/locals",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.from_locals", .pass, .addonPolicyEnabled,
                    "terraform/locals/main.tf", 22, 5),
                .init(
                    "alicloud_cs_managed_kubernetes.heredoc", .pass, .addonPolicyEnabled, "terraform/locals/main.tf",
                    30, 5),
                .init(
                    "alicloud_cs_managed_kubernetes.indented_heredoc", .fail, .addonPolicyDisabled,
                    "terraform/locals/main.tf",
                    40, 5),
                .init(
                    "alicloud_cs_managed_kubernetes.not_json", .unknown, .valueUnknown, "terraform/locals/main.tf", 52,
                    5),
            ]
        ),
        (
            "terraform/dynamic",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.dynamic", .unknown, .valueUnknown, "terraform/dynamic/main.tf", 11,
                    3),
                .init(
                    "alicloud_cs_managed_kubernetes.data_config", .unknown, .valueUnknown, "terraform/dynamic/main.tf",
                    24, 5),
            ]
        ),
        (
            "terraform/modules",
            [
                .init(
                    "module.insecure.alicloud_cs_managed_kubernetes.this", .fail, .addonPolicyDisabled,
                    "terraform/modules/modules/ack/main.tf", 14, 5),
                .init(
                    "module.secure.alicloud_cs_managed_kubernetes.this", .pass, .addonPolicyEnabled,
                    "terraform/modules/modules/ack/main.tf", 14, 5),
                .init(
                    "module.fixed.alicloud_cs_managed_kubernetes.this", .pass, .addonPolicyEnabled,
                    "terraform/modules/main.tf",
                    27, 3),
            ]
        ),
        (
            "terraform/count-conditional",
            [
                .init(
                    "alicloud_cs_managed_kubernetes.fleet", .pass, .addonPolicyEnabled,
                    "terraform/count-conditional/main.tf", 15, 5),
                .init(
                    "alicloud_cs_managed_kubernetes.disabled_terway", .fail, .pluginTerwayExclusiveENI,
                    "terraform/count-conditional/main.tf", 35, 3),
            ]
        ),
    ]

    @Test(arguments: corpus.map(\.folder))
    func folderVerdicts(folder: String) throws {
        let expectations = try #require(Self.corpus.first { $0.folder == folder }).expectations
        let result = Fixture.scan([folder])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.findings.count == expectations.count, "\(result.findings.map(\.clusterId))")
        for expectation in expectations { expectation.check(in: result) }
    }

    @Test func wholeCorpusAtOnceGivesTheSameVerdictsAndReportsTheSyntaxError() {
        let result = Fixture.scan(["terraform"])
        for expectation in Self.corpus.flatMap(\.expectations) { expectation.check(in: result) }
        // The module folder is evaluated through its callers only, never as a root of its own.
        #expect(!result.findings.contains { $0.clusterId == "alicloud_cs_managed_kubernetes.this" })
        Expectation(
            "alicloud_cs_managed_kubernetes.good", .fail, .pluginFlannel, "terraform/syntax-error/good/main.tf", 3, 3
        )
        .check(in: result)
        #expect(result.findings.count == Self.corpus.flatMap(\.expectations).count + 1)
        #expect(
            result.diagnostics == [
                IaCDiagnostic(
                    file: Fixture.path("terraform/syntax-error/broken/main.tf"), line: 6, column: 50,
                    message: "',' or a newline expected between object items, found ')'")
            ])
        #expect(result.exitCode == ExitStatus.inputError)
    }

    @Test func clusterNamesRegionsAndEvidence() throws {
        let result = Fixture.scan(["terraform/policy-true", "terraform/modules", "terraform/count-conditional"])
        let prod = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.prod"))
        #expect(prod.clusterName == "prod-hz")
        #expect(prod.regionId == "cn-hangzhou")
        #expect(prod.evidence["addonConfig"]?["NetworkPolicy"] == "true")
        #expect(prod.evidence["addonConfig"]?["source"] == "addons[1].config")
        #expect(
            prod.evidence["addonConfig"]?["config"]
                == .string(#"{"ENITrunking":"true","IPVlan":"false","NetworkPolicy":"true"}"#))
        #expect(prod.evidence["plugin"]?["identified"] == "terway-eniip")
        #expect(prod.evidence["resource"]?["type"] == "alicloud_cs_managed_kubernetes")
        #expect(prod.evidence["resource"]?["address"] == "alicloud_cs_managed_kubernetes.prod")
        #expect(prod.evidence["resource"]?["file"] == .string(Fixture.path("terraform/policy-true/main.tf")))
        #expect(prod.remediation == .none)

        let insecure = try #require(Fixture.finding(result, "module.insecure.alicloud_cs_managed_kubernetes.this"))
        #expect(insecure.clusterName == "insecure")
        #expect(insecure.regionId == "cn-shanghai", "the module inherits the root's provider")

        // count: evaluated once, said so; the name depends on count.index, so the address stands in for it.
        let fleet = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.fleet"))
        #expect(fleet.clusterName == "alicloud_cs_managed_kubernetes.fleet")
        #expect(fleet.message.contains("count = 3: evaluated once"))
        #expect(fleet.evidence["resource"]?["notes"]?[0]?.stringValue?.contains("count = 3") == true)
        #expect(
            result.notices.contains {
                $0.contains("alicloud_cs_managed_kubernetes.legacy") && $0.contains("no instance")
            })
    }

    @Test func unknownValuesNameTheAttributeAndTheCause() throws {
        let result = Fixture.scan(["terraform/variables", "terraform/dynamic", "terraform/locals"])
        let unset = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.d"))
        #expect(unset.message.hasPrefix("addons[0].config is not known before apply (var.policy_unset has no value"))
        #expect(unset.evidence["addonConfig"]?["unknown"]?.stringValue?.contains("var.policy_unset") == true)
        let dynamic = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.dynamic"))
        #expect(dynamic.message.hasPrefix("dynamic \"addons\" is not known before apply"))
        #expect(dynamic.message.contains("for_each = var.addons"))
        let data = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.data_config"))
        #expect(data.message.contains("data.alicloud_cs_addon_config.terway.config"))
        let notJSON = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.not_json"))
        #expect(notJSON.message.contains("the config is not JSON"))
        #expect(unset.remediation.steps.first?.contains("--var") == true)
    }

    @Test func variableFilesAndCommandLineValuesOverrideInTerraformsOrder() throws {
        let base = Fixture.scan(["terraform/variables"])
        #expect(
            base.notices.contains {
                $0.hasSuffix(
                    "staging.tfvars: Terraform reads this file only with -var-file; pass it with --var-file to use it")
            })

        let withFile = Fixture.scan(
            ["terraform/variables"], variableFiles: ["terraform/variables/staging.tfvars"])
        Expectation(
            "alicloud_cs_managed_kubernetes.e", .pass, .addonPolicyEnabled, "terraform/variables/main.tf", 37, 5
        )
        .check(in: withFile)
        #expect(!withFile.notices.contains { $0.contains("staging.tfvars") })

        let withVars = Fixture.scan(
            ["terraform/variables"],
            variables: ["policy_unset": "true", "policy_tfvars": "true", "policy_auto": "false"])
        Expectation(
            "alicloud_cs_managed_kubernetes.d", .pass, .addonPolicyEnabled, "terraform/variables/main.tf", 29, 5
        )
        .check(in: withVars)
        Expectation(
            "alicloud_cs_managed_kubernetes.b", .pass, .addonPolicyEnabled, "terraform/variables/main.tf", 13, 5
        )
        .check(in: withVars)
        Expectation(
            "alicloud_cs_managed_kubernetes.c", .fail, .addonPolicyDisabled, "terraform/variables/main.tf", 21, 5
        )
        .check(in: withVars)

        // A .tfvars file named among the paths is applied like --var-file.
        let asPath = Fixture.scan(["terraform/variables", "terraform/variables/staging.tfvars"])
        Expectation(
            "alicloud_cs_managed_kubernetes.e", .pass, .addonPolicyEnabled, "terraform/variables/main.tf", 37, 5
        )
        .check(in: asPath)
    }

    @Test func complexCommandLineValuesAreParsedAsHCL() {
        let result = Fixture.scan(["terraform/locals"], variables: ["policies": #"{ prod = "false" }"#])
        Expectation(
            "alicloud_cs_managed_kubernetes.from_locals", .fail, .addonPolicyDisabled, "terraform/locals/main.tf", 22, 5
        ).check(in: result)
    }

    @Test func filesProviderAliasesAndModuleProviders() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("terway.json", #"{"NetworkPolicy": "true"}"#)
        try folder.write(
            "main.tf",
            """
            provider "alicloud" {
              region = "cn-hangzhou"
            }
            provider "alicloud" {
              alias  = "bj"
              region = "cn-beijing"
            }
            resource "alicloud_cs_managed_kubernetes" "k" {
              provider = alicloud.bj
              addons {
                name   = "terway-eniip"
                config = file("${path.module}/terway.json")
              }
            }
            module "child" {
              source    = "./child"
              providers = { alicloud = alicloud.bj }
            }
            """)
        try folder.write(
            "child/main.tf",
            "resource \"alicloud_cs_managed_kubernetes\" \"c\" {\n  addons {\n    name = \"flannel\"\n  }\n}\n")
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(result.diagnostics.isEmpty)
        Expectation("alicloud_cs_managed_kubernetes.k", .pass, .addonPolicyEnabled, "main.tf", 12, 5)
            .check(in: result, root: folder.path)
        Expectation("module.child.alicloud_cs_managed_kubernetes.c", .fail, .pluginFlannel, "child/main.tf", 2, 3)
            .check(in: result, root: folder.path)
        #expect(result.findings.map(\.regionId) == ["cn-beijing", "cn-beijing"])
        #expect(result.filesScanned.contains(folder.path + "/terway.json"))
    }

    @Test func addonResourcesOverrideTheirClusterAndSayWhere() throws {
        let result = Fixture.scan(["terraform/addon-override"])
        let fixed = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.k8s"))
        #expect(fixed.evidence["addonConfig"]?["source"] == "alicloud_cs_kubernetes_addon.terway.config")
        #expect(fixed.evidence["addonConfig"]?["overriddenBy"] == ["alicloud_cs_kubernetes_addon.terway"])
        #expect(fixed.evidence["resource"]?["addonResources"] == ["alicloud_cs_kubernetes_addon.terway"])
        // An add-on resource without NetworkPolicy leaves the decision to the one that sets it (config is merged).
        let regressed = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.regressed"))
        #expect(
            regressed.message.hasPrefix(
                "alicloud_cs_kubernetes_addon.regression.config sets NetworkPolicy to \"false\""))
        #expect(regressed.remediation.kind == .editConfigMap)
        #expect(
            regressed.remediation.steps[0].hasPrefix(
                "In alicloud_cs_kubernetes_addon.regression, set `config = jsonencode"))
        // Add-on resources for other add-ons do not matter; one for a cluster outside the files is reported on its own.
        let orphan = try #require(Fixture.finding(result, "c8f2a9e7b61d54c3e9a0b1c2d3e4f5a6b"))
        #expect(orphan.clusterName == "alicloud_cs_kubernetes_addon.existing")
        #expect(orphan.message.contains("not described by the scanned files"))
        #expect(result.findings.count == 3)
    }

    @Test func aSingleFileIsEvaluatedWithItsFolder() throws {
        let result = Fixture.scan(["terraform/variables/main.tf"])
        #expect(result.findings.count == 5)
        Expectation("alicloud_cs_managed_kubernetes.a", .pass, .addonPolicyEnabled, "terraform/variables/main.tf", 5, 5)
            .check(in: result)
        Expectation(
            "alicloud_cs_managed_kubernetes.b", .fail, .addonPolicyDisabled, "terraform/variables/main.tf", 13, 5
        )
        .check(in: result)
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write("variables.tf", "variable \"policy\" {\n  default = \"true\"\n}\n")
        try folder.write(
            "a.tf",
            "resource \"alicloud_cs_managed_kubernetes\" \"a\" {\n  addons {\n    name   = \"terway-eniip\"\n"
                + "    config = jsonencode({ NetworkPolicy = var.policy })\n  }\n}\n")
        try folder.write(
            "b.tf", "resource \"alicloud_cs_managed_kubernetes\" \"b\" {\n  addons { name = \"flannel\" }\n}\n")
        let one = IaCScanner.scan(paths: [folder.path + "/a.tf"])
        #expect(one.findings.map(\.clusterId) == ["alicloud_cs_managed_kubernetes.a"])
        Expectation("alicloud_cs_managed_kubernetes.a", .pass, .addonPolicyEnabled, "a.tf", 4, 5).check(
            in: one, root: folder.path)
    }

    @Test func remediationShowsTheHCLFix() throws {
        let result = Fixture.scan(["terraform/flannel", "terraform/policy-false", "terraform/serverless"])
        let flannel = try #require(Fixture.finding(result, "alicloud_cs_kubernetes.legacy"))
        #expect(flannel.remediation.kind == .recreateCluster)
        #expect(
            flannel.remediation.steps[0]
                == "In alicloud_cs_kubernetes.legacy, replace addons[0] with `addons { name = \"terway-eniip\" config = "
                + "jsonencode({ NetworkPolicy = \"true\" }) }`, set `pod_vswitch_ids` and drop `pod_cidr`.")
        let disabled = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.auto_mode"))
        #expect(disabled.remediation.kind == .editConfigMap)
        #expect(disabled.remediation.steps[0].contains("set `config = jsonencode({ NetworkPolicy = \"true\" })`"))
        #expect(disabled.remediation.steps[1].contains("resource \"alicloud_cs_kubernetes_addon\" \"terway_eniip\""))
        #expect(disabled.remediation.steps[1].contains("cluster_id = alicloud_cs_managed_kubernetes.auto_mode.id"))
        #expect(disabled.remediation.steps[2].contains("disable_network_policy"))
        let bare = try #require(Fixture.finding(result, "alicloud_cs_managed_kubernetes.bare"))
        #expect(bare.message.contains("ACK installs its default plug-in"))
        #expect(bare.message.contains("pod_cidr is set"))
        #expect(bare.remediation.steps[0].contains("terway-eniip"))
        let ask = try #require(Fixture.finding(result, "alicloud_cs_serverless_kubernetes.ask"))
        #expect(ask.remediation.kind == .none)
    }

    @Test func theRemoteModuleIsSkippedWithANotice() {
        let result = Fixture.scan(["terraform/modules"])
        #expect(
            result.notices.contains {
                $0.contains("module.vpc") && $0.contains("\"alibaba/vpc/alicloud\" is not a local folder; not scanned")
            })
        #expect(result.filesScanned.contains(Fixture.path("terraform/modules/modules/ack/main.tf")))
    }
}
