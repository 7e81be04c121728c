import ACKEmulator
import Audit
import Foundation
import TestSupport
import Testing

@Suite("ModifyClusterAddon and upgrade status")
struct AddonModificationTests {
    func config(_ reply: CSTestClient.Reply) throws -> JSONValue {
        let text = try #require(reply.json?["config"]?.stringValue)
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("the config is merged server-side, the upgrade runs, then Success; meta_data keeps the creation copy")
    func modifyThenStatusThenRead() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            let cluster = try #require(emulator.fleet.first(.configMapTrue))
            let base = "/clusters/\(cluster.id)"
            let before = try await client.call(
                "GET", "\(base)/addon_instances/terway-eniip", action: "GetClusterAddonInstance")
            #expect(try config(before) == ["ENITrunking": "true", "IPVlan": "false", "NetworkPolicy": "false"])

            let modify = try await client.call(
                "POST", "\(base)/components/terway-eniip/config",
                body: ["config": #"{"NetworkPolicy":"true","IPVlan":""}"#], action: "ModifyClusterAddon")
            #expect(modify.status == 200)
            #expect(modify.json == nil)

            let query = ["componentIds": #"["terway-eniip"]"#]
            var statuses: [String] = []
            for _ in 0..<5 {
                let status = try await client.call(
                    "GET", "\(base)/components/upgradestatus", query: query,
                    action: "DescribeClusterAddonsUpgradeStatus")
                #expect(status.status == 200)
                let entry = try #require(status.json?["terway-eniip"])
                #expect(entry["addon_info"]?["version"] == "v1.9.6")
                #expect(entry["can_upgrade"] == false)
                statuses.append(try #require(entry["tasks"]?["status"]?.stringValue))
            }
            #expect(statuses == ["Running", "Running", "Success", "Success", "Success"])

            let after = try await client.call(
                "GET", "\(base)/addon_instances/terway-eniip", action: "GetClusterAddonInstance")
            #expect(after.json?["state"] == "active")
            #expect(try config(after) == ["ENITrunking": "true", "NetworkPolicy": "true"])
            let detail = try await client.call("GET", base, action: "DescribeClusterDetail")
            #expect(detail.json?["meta_data"] == cluster.detail["meta_data"])
            let deprecated = try await client.call(
                "GET", "\(base)/components/terway-eniip/instance", action: "DescribeClusterAddonInstance")
            #expect(try config(deprecated) == ["ENITrunking": "true", "NetworkPolicy": "true"])
            let single = try await client.call(
                "GET", "\(base)/components/terway-eniip/upgradestatus", action: "DescribeClusterAddonUpgradeStatus")
            #expect(single.json?["tasks"]?["status"] == "Success")
        }
    }

    @Test("while the change runs the add-on reads as updating")
    func updatingState() async throws {
        var configuration = EmulatorConfiguration.demo()
        configuration.asynchronousSteps = 3
        try await withEmulatorServer(configuration) { emulator in
            let client = CSTestClient(emulator)
            let cluster = try #require(emulator.fleet.first(.addonConfigDrift))
            let base = "/clusters/\(cluster.id)"
            _ = try await client.call(
                "POST", "\(base)/components/terway-eniip/config", body: ["config": #"{"NetworkPolicy":"true"}"#],
                action: "ModifyClusterAddon")
            var states: [String] = []
            for _ in 0..<4 {
                let reply = try await client.call(
                    "GET", "\(base)/addon_instances/terway-eniip", action: "GetClusterAddonInstance")
                states.append(reply.json?["state"]?.stringValue ?? "")
            }
            #expect(states == ["updating", "updating", "active", "active"])
        }
    }

    @Test("ModifyClusterAddon and upgrade-status errors")
    func errors() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            let cluster = try #require(emulator.fleet.first(.configMapFalse))
            let path = "/clusters/\(cluster.id)/components/terway-eniip/config"
            for body: JSONValue in [["config": "not json"], ["other": "x"], ["config": #"["a"]"#]] {
                let reply = try await client.call("POST", path, body: body, action: "ModifyClusterAddon")
                #expect(reply.status == 400)
                #expect(reply.json?["code"] == "InvalidParameter")
            }
            let absent = try await client.call(
                "POST", "/clusters/\(cluster.id)/components/flannel/config", body: ["config": "{}"],
                action: "ModifyClusterAddon")
            #expect(absent.status == 404)
            #expect(absent.json?["code"] == "AddonNotFound")
            let noCluster = try await client.call(
                "POST", "/clusters/cnothere/components/terway-eniip/config", body: ["config": "{}"],
                action: "ModifyClusterAddon")
            #expect(noCluster.json?["code"] == "ErrorClusterNotFound")
            let deleting = try #require(emulator.fleet.first(.deleting))
            let busy = try await client.call(
                "POST", "/clusters/\(deleting.id)/components/terway-eniip/config", body: ["config": "{}"],
                action: "ModifyClusterAddon")
            #expect(busy.status == 400)
            for query in [[:], ["componentIds": "terway-eniip"], ["componentIds": "[1]"]] {
                let reply = try await client.call(
                    "GET", "/clusters/\(cluster.id)/components/upgradestatus", query: query,
                    action: "DescribeClusterAddonsUpgradeStatus")
                #expect(reply.json?["code"] == "InvalidParameter")
            }
            let unknownAddon = try await client.call(
                "GET", "/clusters/\(cluster.id)/components/upgradestatus", query: ["componentIds": #"["nope"]"#],
                action: "DescribeClusterAddonsUpgradeStatus")
            #expect(unknownAddon.json?["code"] == "AddonNotFound")
            let untouched = try await client.call(
                "GET", "/clusters/\(cluster.id)/components/upgradestatus",
                query: ["componentIds": #"["terway-eniip","coredns"]"#], action: "DescribeClusterAddonsUpgradeStatus")
            #expect(untouched.json?["coredns"]?["tasks"] == [:])
        }
    }
}
