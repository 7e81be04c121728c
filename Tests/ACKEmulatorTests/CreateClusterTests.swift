import ACKEmulator
import Audit
import Foundation
import TestSupport
import Testing

@Suite("CreateCluster and DescribeTaskInfo")
struct CreateClusterTests {
    static let body: JSONValue = [
        "name": "tm-project-new-cluster", "region_id": "cn-beijing", "cluster_type": "ManagedKubernetes",
        "vpcid": "vpc-1234abcd1234abcd1234a", "cluster_spec": "ack.pro.small", "kubernetes_version": "1.31.1-aliyun.1",
        "vswitch_ids": ["vsw-1234abcd1234abcd1234a"], "num_of_nodes": 3,
        "addons": [["name": "terway-eniip", "config": #"{"NetworkPolicy":"true"}"#], ["name": "csi-plugin"]],
        "pod_vswitch_ids": ["vsw-1234abcd1234abcd1234a"],
    ]

    @Test("a created cluster appears as initial, its task completes, then it is running everywhere")
    func createThenPoll() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            let created = try await client.call("POST", "/clusters", body: Self.body, action: "CreateCluster")
            #expect(created.status == 200)
            let id = try #require(created.json?["cluster_id"]?.stringValue)
            let taskId = try #require(created.json?["task_id"]?.stringValue)
            #expect(created.json?["request_id"]?.stringValue != nil)
            #expect(id.hasPrefix("c") && id.count == 33)
            #expect(taskId.hasPrefix("T-"))

            let first = try await client.call("GET", "/tasks/\(taskId)", action: "DescribeTaskInfo")
            #expect(first.json?["state"] == "running")
            #expect(first.json?["cluster_id"]?.stringValue == id)
            #expect(first.json?["task_type"] == "cluster_create")
            #expect(first.json?["target"] == ["id": .string(id), "type": "cluster"])
            let listing = try await client.call("GET", "/api/v1/clusters", query: ["cluster_id": id])
            #expect(listing.json?["clusters"]?[0]?["state"] == "initial")
            #expect(listing.json?["clusters"]?[0]?["name"] == "tm-project-new-cluster")
            let done = try await client.call("GET", "/tasks/\(taskId)", action: "DescribeTaskInfo")
            #expect(done.json?["state"] == "success")
            #expect(done.json?["task_result"]?[0]?["status"] == "success")

            let detail = try await client.call("GET", "/clusters/\(id)", action: "DescribeClusterDetail")
            #expect(detail.json?["state"] == "running")
            #expect(detail.json?["vpc_id"] == "vpc-1234abcd1234abcd1234a")
            #expect(detail.json?["parameters"]?["Network"] == "terway-eniip")
            let metaText = try #require(detail.json?["meta_data"]?.stringValue)
            #expect(metaText.contains(#"\"NetworkPolicy\":\"true\""#))
            let addon = try await client.call(
                "GET", "/clusters/\(id)/addon_instances/terway-eniip", action: "GetClusterAddonInstance")
            #expect(addon.json?["config"] == #"{"NetworkPolicy":"true"}"#)
            let all = try await client.call("GET", "/api/v1/clusters", query: ["page_size": "100"])
            #expect(all.json?["page_info"]?["total_count"] == 25)
            #expect(all.json?["clusters"]?[0]?["cluster_id"]?.stringValue == id)

            let configMaps = try await emulator.state.withKubernetesStore(clusterId: id) { store in
                store.objects(kind: "ConfigMap").compactMap { $0["data"]?["disable_network_policy"]?.stringValue }
            }
            #expect(configMaps == ["false"])
            let nodes = try await emulator.state.withKubernetesStore(clusterId: id) { $0.objects(kind: "Node").count }
            #expect(nodes == 3)
            let missing = try await client.call("GET", "/tasks/T-nothere", action: "DescribeTaskInfo")
            #expect(missing.status == 404)
        }
    }

    @Test("Terway without NetworkPolicy is created with policy disabled in eni-config")
    func policyOffByDefault() async throws {
        try await withEmulatorServer { emulator in
            var body = Self.body.objectValue ?? [:]
            body["addons"] = [["name": "terway-eniip"]]
            let created = try await CSTestClient(emulator).call(
                "POST", "/clusters", body: .object(body), action: "CreateCluster")
            let id = try #require(created.json?["cluster_id"]?.stringValue)
            let values = try await emulator.state.withKubernetesStore(clusterId: id) { store in
                store.objects(kind: "ConfigMap").compactMap { $0["data"]?["disable_network_policy"]?.stringValue }
            }
            #expect(values == ["true"])
        }
    }

    static let invalidBodies: [(String, JSONValue)] = [
        ("name", .null), ("name", "-bad"), ("region_id", .null), ("region_id", "mars-1"), ("cluster_type", .null),
        ("cluster_type", "Swarm"), ("vpcid", .null), ("addons", []), ("addons", [["name": "csi-plugin"]]),
        ("addons", [["name": "flannel"], ["name": "terway-eniip"]]),
        ("addons", [["name": "terway-eniip", "config": "NetworkPolicy=true"]]),
    ]

    @Test("CreateCluster validates its body", arguments: invalidBodies)
    func validation(field: String, value: JSONValue) async throws {
        try await withEmulatorServer { emulator in
            var body = Self.body.objectValue ?? [:]
            body[field] = value.isNull ? nil : value
            let reply = try await CSTestClient(emulator).call(
                "POST", "/clusters", body: .object(body), action: "CreateCluster")
            #expect(reply.status == 400)
            #expect(reply.json?["code"] == "InvalidParameter")
            #expect(await emulator.state.clusterIds().count == 24)
        }
    }

    @Test("serverless and registered clusters need no network plug-in")
    func noNetworkNeeded() async throws {
        try await withEmulatorServer { (emulator: Emulator) async throws in
            let client = CSTestClient(emulator)
            var serverless = Self.body.objectValue ?? [:]
            serverless["profile"] = "Serverless"
            serverless["addons"] = nil
            #expect(
                try await client.call("POST", "/clusters", body: .object(serverless), action: "CreateCluster").status
                    == 200)
            let registered: JSONValue = [
                "name": "registered-one", "region_id": "cn-hangzhou", "cluster_type": "ExternalKubernetes",
            ]
            #expect(try await client.call("POST", "/clusters", body: registered, action: "CreateCluster").status == 200)
            #expect(await emulator.state.clusterIds().count == 26)
        }
    }
}
