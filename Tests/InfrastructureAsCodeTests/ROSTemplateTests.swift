import Audit
import TestSupport
import Testing

@testable import InfrastructureAsCode

/// ROS templates, JSON and YAML: each cluster type, `ALIYUN::CS::ClusterAddons`, and `Ref` / `Fn::` values.
@Suite struct ROSTemplateTests {
    @Test func jsonTemplate() throws {
        let result = Fixture.scan(["ros/cluster-stack.json"])
        #expect(result.diagnostics.isEmpty)
        let file = "ros/cluster-stack.json"
        let expectations: [Expectation] = [
            .init("Payments", .pass, .addonPolicyEnabled, file, 23, 36),
            .init("Batch", .fail, .pluginFlannel, file, 34, 11),
            .init("Functions", .notApplicable, .serverlessCluster, file, 38, 5),
            .init("Parameterised", .unknown, .valueUnknown, file, 51, 13),
            .init("Reporting", .pass, .addonPolicyEnabled, file, 70, 36),
        ]
        for expectation in expectations { expectation.check(in: result) }
        #expect(result.findings.count == expectations.count)
        let parameterised = try #require(Fixture.finding(result, "Parameterised"))
        #expect(
            parameterised.message
                == "Properties.Addons[0].Config is not known before the stack is created (it uses Fn::Sub, which ROS "
                + "resolves when the stack is created), so the NetworkPolicy setting cannot be checked")
        let reporting = try #require(Fixture.finding(result, "Reporting"))
        #expect(reporting.evidence["addonConfig"]?["source"] == "ReportingPolicy.Properties.Addons[0].Config")
        let batch = try #require(Fixture.finding(result, "Batch"))
        #expect(batch.evidence["resource"]?["type"] == "ALIYUN::CS::KubernetesCluster")
        #expect(
            batch.remediation.steps[0].contains(#"{"Name": "terway-eniip", "Config": "{\"NetworkPolicy\":\"true\"}"}"#))
        #expect(batch.message.contains("Properties.Addons[0] installs Flannel"))
    }

    @Test func yamlTemplate() throws {
        let result = Fixture.scan(["ros/cluster-stack.yaml"])
        #expect(result.diagnostics.isEmpty)
        let file = "ros/cluster-stack.yaml"
        let expectations: [Expectation] = [
            // Its own config says "false", but ClusterAddons sets it with !Sub: not known before the stack exists.
            .init("Analytics", .unknown, .valueUnknown, file, 53, 11),
            .init("Search", .unknown, .valueUnknown, file, 27, 11),
            // Block scalar config; the flannel entry is disabled.
            .init("Ingest", .pass, .addonPolicyEnabled, file, 35, 11),
            .init("Ref ExistingClusterId", .pass, .addonPolicyEnabled, file, 46, 11),
        ]
        for expectation in expectations { expectation.check(in: result) }
        #expect(result.findings.count == expectations.count)
        let search = try #require(Fixture.finding(result, "Search"))
        #expect(search.message.contains("Ref PolicySwitch (a parameter whose default is \"false\")"))
        #expect(search.message.contains("created only when the condition CreateSearch holds"))
        let analytics = try #require(Fixture.finding(result, "Analytics"))
        #expect(analytics.message.contains("!Sub"))
        let existing = try #require(Fixture.finding(result, "Ref ExistingClusterId"))
        #expect(existing.clusterName == "Existing")
    }

    @Test func rosFixesAreWrittenInROS() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write(
            "stack.yml",
            """
            ROSTemplateFormatVersion: '2015-09-01'
            Resources:
              K8s:
                Type: ALIYUN::CS::ManagedKubernetesCluster
                Properties:
                  Name: k8s
                  Addons:
                    - Name: terway-eniip
                    - Name: csi-plugin
              Nothing:
                Type: ALIYUN::CS::ManagedKubernetesCluster
                Properties:
                  Name: nothing
                  Addons: !Ref AddonList
            """)
        let result = IaCScanner.scan(paths: [folder.path])
        Expectation("K8s", .fail, .addonPolicyDisabled, "stack.yml", 8, 11).check(in: result, root: folder.path)
        Expectation("Nothing", .unknown, .valueUnknown, "stack.yml", 14, 7).check(in: result, root: folder.path)
        let k8s = try #require(Fixture.finding(result, "K8s"))
        #expect(
            k8s.message == "the terway-eniip add-on (Properties.Addons[0]) has no config, so NetworkPolicy stays off "
                + "(it is off unless chosen at creation)")
        #expect(k8s.remediation.steps[0].contains(#""Config": "{\"NetworkPolicy\":\"true\"}""#))
        #expect(k8s.remediation.steps[1].contains("ALIYUN::CS::ClusterAddons"))
        #expect(k8s.remediation.steps[1].contains(#"{"Ref": "K8s"}"#))
    }
}
