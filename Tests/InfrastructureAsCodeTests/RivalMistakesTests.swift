import Audit
import TestSupport
import Testing

@testable import InfrastructureAsCode

/// The mistakes other scanners make: they pass any Flannel cluster whose configuration looks complete, and any
/// Terway cluster, whatever its NetworkPolicy switch. Both must FAIL, in every input format.
@Suite struct RivalMistakesTests {
    static let terraformFlannel = """
        resource "alicloud_cs_managed_kubernetes" "k8s" {
          name     = "flannel"
          pod_cidr = "172.20.0.0/16"
          addons {
            name = "flannel"
          }
        }
        """
    static let terraformTerwayOff = """
        resource "alicloud_cs_managed_kubernetes" "k8s" {
          name            = "terway-off"
          pod_vswitch_ids = ["vsw-1"]
          addons {
            name   = "terway-eniip"
            config = jsonencode({ NetworkPolicy = "false" })
          }
        }
        """
    static func plan(_ addon: String) -> String {
        """
        {"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[{"address":"alicloud_cs_managed_kubernetes.k8s",\
        "mode":"managed","type":"alicloud_cs_managed_kubernetes","name":"k8s","change":{"actions":["create"],"after":\
        {"name":"k8s","addons":[\(addon)]},"after_unknown":{"id":true}}}]}
        """
    }
    static func ros(_ addon: String) -> String {
        """
        ROSTemplateFormatVersion: '2015-09-01'
        Resources:
          K8s:
            Type: ALIYUN::CS::ManagedKubernetesCluster
            Properties:
              Addons:
                - \(addon)
        """
    }

    static let cases: [(name: String, file: String, text: String, reason: ReasonCode)] = [
        ("terraform flannel", "main.tf", terraformFlannel, .pluginFlannel),
        ("terraform terway NetworkPolicy false", "main.tf", terraformTerwayOff, .addonPolicyDisabled),
        ("plan flannel", "plan.json", plan(#"{"name":"flannel","config":"","disabled":false}"#), .pluginFlannel),
        (
            "plan terway NetworkPolicy false", "plan.json",
            plan(#"{"name":"terway-eniip","config":"{\"NetworkPolicy\":\"false\"}","disabled":false}"#),
            .addonPolicyDisabled
        ),
        ("ROS flannel", "stack.yaml", ros("Name: flannel"), .pluginFlannel),
        (
            "ROS terway NetworkPolicy false", "stack.yaml",
            ros(#"{Name: terway-eniip, Config: '{"NetworkPolicy":"false"}'}"#), .addonPolicyDisabled
        ),
    ]

    @Test(arguments: cases.map(\.name))
    func mustFail(name: String) throws {
        let testCase = try #require(Self.cases.first { $0.name == name })
        let folder = try TemporaryFolder(prefix: "ackguard-iac")
        defer { folder.remove() }
        try folder.write(testCase.file, testCase.text)
        let result = IaCScanner.scan(paths: [folder.path])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.status == .fail)
        #expect(finding.reason == testCase.reason)
        #expect(result.exitCode == ExitStatus.failures)
    }
}
