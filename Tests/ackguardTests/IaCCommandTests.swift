import Audit
import Foundation
import TestSupport
import Testing

@Suite("ackguard iac through the CLI")
struct IaCCommandTests {
    static let fixtures = CommandRunner.repositoryRoot.appendingPathComponent(
        "Tests/InfrastructureAsCodeTests/Fixtures")

    @Test("the rivals' mistakes fail: Flannel, and Terway with NetworkPolicy \"false\"; locations are file:line:column")
    func rivalsMistakes() async throws {
        let directory = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
        resource "alicloud_cs_managed_kubernetes" "flannel" {
          name = "old"
          addons {
            name = "flannel"
          }
        }

        resource "alicloud_cs_managed_kubernetes" "terway" {
          name = "new"
          addons {
            name   = "terway-eniip"
            config = jsonencode({ NetworkPolicy = "false" })
          }
        }

        resource "alicloud_cs_managed_kubernetes" "good" {
          name = "good"
          addons {
            name   = "terway-eniip"
            config = jsonencode({ NetworkPolicy = "true", IPVlan = "false" })
          }
        }
        """.write(to: directory.appendingPathComponent("main.tf"), atomically: true, encoding: .utf8)
        let result = try await CommandRunner.run(["iac", directory.path, "--format", "json"])
        #expect(result.exitCode == 1, "stderr: \(result.stderr)")
        let findings = try JSONValue.parse(result.stdout)["findings"]?.arrayValue ?? []
        let byId = Dictionary(uniqueKeysWithValues: findings.map { ($0["clusterId"]!.stringValue!, $0) })
        #expect(byId["alicloud_cs_managed_kubernetes.flannel"]?["reason"] == "plugin-flannel")
        #expect(byId["alicloud_cs_managed_kubernetes.terway"]?["reason"] == "addon-policy-disabled")
        #expect(byId["alicloud_cs_managed_kubernetes.good"]?["status"] == "PASS")
        #expect(byId["alicloud_cs_managed_kubernetes.terway"]?["line"]?.intValue ?? 0 >= 10)
        #expect(byId["alicloud_cs_managed_kubernetes.terway"]?["file"]?.stringValue?.hasSuffix("main.tf") == true)
    }

    @Test("a file that does not parse is named with its position; the other files are still checked; exit 2")
    func parseErrors() async throws {
        let directory = try TemporaryFolder(prefix: "ackguard-cli").url
        defer { try? FileManager.default.removeItem(at: directory) }
        try "resource \"alicloud_cs_managed_kubernetes\" \"x\" {\n  name = \n".write(
            to: directory.appendingPathComponent("broken.tf"), atomically: true, encoding: .utf8)
        try """
        {"ROSTemplateFormatVersion": "2015-09-01", "Resources": {"K8s": {"Type": "ALIYUN::CS::ManagedKubernetesCluster",
          "Properties": {"Name": "k", "Addons": [{"Name": "flannel"}]}}}}
        """.write(to: directory.appendingPathComponent("stack.json"), atomically: true, encoding: .utf8)
        let result = try await CommandRunner.run(["iac", directory.path, "--format", "json"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("broken.tf:"))
        let findings = try JSONValue.parse(result.stdout)["findings"]?.arrayValue ?? []
        #expect(findings.contains { $0["reason"] == "plugin-flannel" })
    }
}
