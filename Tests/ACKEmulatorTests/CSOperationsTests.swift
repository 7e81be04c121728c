import ACKEmulator
import Audit
import Foundation
import NIOHTTP1
import TestSupport
import Testing

@Suite("CS operations")
struct CSOperationsTests {
    static let v1Keys: Set<String> = [
        "cluster_domain", "cluster_id", "cluster_spec", "cluster_type", "container_cidr", "created",
        "current_version", "deletion_protection", "docker_version", "external_loadbalancer_id", "init_version",
        "ip_stack", "maintenance_window", "master_url", "meta_data", "name", "network_mode", "next_version",
        "operation_policy", "private_zone", "profile", "proxy_mode", "region_id", "resource_group_id",
        "security_group_id", "service_cidr", "size", "state", "subnet_cidr", "tags", "timezone", "updated", "vpc_id",
        "vswitch_id", "vswitch_ids", "worker_ram_role_name", "zone_id",
    ]

    @Test("DescribeClustersV1 pages through every cluster with page_info")
    func describeClustersV1Paging() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            var ids: [String] = []
            for page in 1...3 {
                let reply = try await client.call(
                    "GET", "/api/v1/clusters", query: ["page_size": "10", "page_number": String(page)])
                #expect(reply.status == 200)
                #expect(reply.headers.first(name: "x-acs-request-id") != nil)
                #expect(
                    reply.json?["page_info"] == [
                        "page_number": .number(Double(page)), "page_size": 10, "total_count": 24,
                    ])
                let clusters = try #require(reply.json?["clusters"]?.arrayValue)
                ids += clusters.compactMap { $0["cluster_id"]?.stringValue }
                for cluster in clusters {
                    #expect(Set(cluster.objectValue?.keys ?? [:].keys) == Self.v1Keys)
                    #expect(cluster["parameters"] == nil)
                    #expect(cluster["meta_data"]?.stringValue != nil)
                    let master = try JSONDecoder().decode(
                        JSONValue.self, from: Data(try #require(cluster["master_url"]?.stringValue).utf8))
                    let id = try #require(cluster["cluster_id"]?.stringValue)
                    #expect(master["api_server_endpoint"]?.stringValue?.hasSuffix("/clusters/\(id)") == true)
                }
            }
            #expect(ids.count == 24)
            #expect(Set(ids) == Set(emulator.fleet.clusters.map(\.id)))
            let defaults = try await client.call("GET", "/api/v1/clusters")
            #expect(defaults.json?["page_info"]?["page_size"] == 10)
            #expect(defaults.json?["clusters"]?.arrayValue?.count == 10)
            let beyond = try await client.call("GET", "/api/v1/clusters", query: ["page_number": "9"])
            #expect(beyond.json?["clusters"] == [])
            #expect(beyond.json?["page_info"]?["total_count"] == 24)
        }
    }

    @Test(
        "DescribeClustersV1 filters",
        arguments: ["cluster_type", "profile", "region_id", "cluster_id", "cluster_spec", "name"])
    func describeClustersV1Filters(filter: String) async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            let sample = try #require(emulator.fleet.first(.serverlessProfile))
            let value = try #require(sample.detail[filter]?.stringValue)
            let wanted = filter == "name" ? String(value.dropFirst(2).prefix(6)) : value
            let reply = try await client.call("GET", "/api/v1/clusters", query: [filter: wanted, "page_size": "100"])
            let clusters = try #require(reply.json?["clusters"]?.arrayValue)
            #expect(!clusters.isEmpty)
            #expect(clusters.contains { $0["cluster_id"]?.stringValue == sample.id })
            let expected = emulator.fleet.clusters.filter { cluster in
                let field = cluster.detail[filter]?.stringValue ?? ""
                return filter == "name" ? field.lowercased().contains(wanted.lowercased()) : field == wanted
            }
            #expect(clusters.count == expected.count)
            #expect(reply.json?["page_info"]?["total_count"]?.intValue == expected.count)
        }
    }

    @Test("DescribeClustersV1 rejects bad paging with 400 InvalidParameter")
    func describeClustersV1Errors() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            for query in [["page_size": "0"], ["page_size": "101"], ["page_number": "0"], ["page_size": "ten"]] {
                let reply = try await client.call("GET", "/api/v1/clusters", query: query)
                #expect(reply.status == 400)
                #expect(reply.json?["code"] == "InvalidParameter")
                #expect(reply.json?["status"] == 400)
                #expect(reply.json?["requestId"]?.stringValue?.isEmpty == false)
                #expect(reply.json?["message"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test("the legacy GET /clusters answers a bare array with parameters and meta_data")
    func describeClustersLegacy() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            let reply = try await client.call("GET", "/clusters", action: "DescribeClusters")
            let items = try #require(reply.json?.arrayValue)
            #expect(items.count == 24)
            let flannel = try #require(emulator.fleet.first(.flannel))
            let item = try #require(items.first { $0["cluster_id"]?.stringValue == flannel.id })
            #expect(item["parameters"]?["Network"] == "Flannel")
            #expect(item["meta_data"]?.stringValue != nil)
            #expect(item["data_disk_size"] != nil)
            let filtered = try await client.call(
                "GET", "/clusters", query: ["clusterType": "ExternalKubernetes"], action: "DescribeClusters")
            #expect(filtered.json?.arrayValue?.count == 1)
        }
    }

    @Test("DescribeClustersForRegion lists one region without meta_data")
    func describeClustersForRegion() async throws {
        try await withEmulatorServer { emulator in
            let reply = try await CSTestClient(emulator).call(
                "GET", "/regions/cn-beijing/clusters", query: ["page_size": "50"], action: "DescribeClustersForRegion")
            let clusters = try #require(reply.json?["clusters"]?.arrayValue)
            #expect(!clusters.isEmpty)
            #expect(clusters.allSatisfy { $0["region_id"] == "cn-beijing" && $0["meta_data"] == nil })
        }
    }

    @Test("DescribeClusterDetail answers parameters and meta_data; unknown clusters are 404 ErrorClusterNotFound")
    func describeClusterDetail() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            let cluster = try #require(emulator.fleet.first(.configMapTrue))
            let reply = try await client.call("GET", "/clusters/\(cluster.id)", action: "DescribeClusterDetail")
            #expect(reply.status == 200)
            #expect(reply.json?["cluster_id"]?.stringValue == cluster.id)
            #expect(reply.json?["parameters"]?["Network"] == "terway-eniip")
            #expect(reply.json?["meta_data"] == cluster.detail["meta_data"])
            #expect(
                reply.json?["master_url"]?.stringValue?.contains(emulator.kubernetesEndpoint.absoluteString) == true)
            let missing = try await client.call("GET", "/clusters/cdoesnotexist", action: "DescribeClusterDetail")
            #expect(missing.status == 404)
            #expect(missing.json?["code"] == "ErrorClusterNotFound")
            #expect(missing.json?["status"] == 404)
            #expect(Set(missing.json?.objectValue?.keys ?? [:].keys) == ["code", "message", "requestId", "status"])
        }
    }

    @Test("add-on instance APIs: Get, the deprecated Describe, List, and AddonNotFound")
    func addonInstances() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            let cluster = try #require(emulator.fleet.first(.configMapOne))
            let get = try await client.call(
                "GET", "/clusters/\(cluster.id)/addon_instances/terway-eniip", action: "GetClusterAddonInstance")
            #expect(get.status == 200)
            #expect(Set(get.json?.objectValue?.keys ?? [:].keys) == ["name", "version", "state", "config", "logging"])
            #expect(get.json?["state"] == "active")
            #expect(get.json?["config"]?.stringValue?.contains("\"NetworkPolicy\":\"false\"") == true)
            let deprecated = try await client.call(
                "GET", "/clusters/\(cluster.id)/components/terway-eniip/instance",
                action: "DescribeClusterAddonInstance")
            #expect(Set(deprecated.json?.objectValue?.keys ?? [:].keys) == ["name", "version", "state", "config"])
            #expect(deprecated.json?["config"] == get.json?["config"])
            let list = try await client.call(
                "GET", "/clusters/\(cluster.id)/addon_instances", action: "ListClusterAddonInstances")
            let addons = try #require(list.json?["addons"]?.arrayValue)
            #expect(addons.contains { $0 == ["name": "terway-eniip", "version": "v1.9.6", "state": "active"] })
            #expect(addons.allSatisfy { $0["config"] == nil })
            let absent = try await client.call(
                "GET", "/clusters/\(cluster.id)/addon_instances/flannel", action: "GetClusterAddonInstance")
            #expect(absent.status == 404)
            #expect(absent.json?["code"] == "AddonNotFound")
            let noCluster = try await client.call(
                "GET", "/clusters/cnothere/addon_instances/flannel", action: "GetClusterAddonInstance")
            #expect(noCluster.json?["code"] == "ErrorClusterNotFound")
        }
    }

    @Test("DescribeClusterNodePools, DescribeRegions and unknown paths")
    func nodePoolsRegionsUnknown() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            let cluster = try #require(emulator.fleet.first(.exclusiveENINodes))
            let pools = try await client.call(
                "GET", "/clusters/\(cluster.id)/nodepools", action: "DescribeClusterNodePools")
            let items = try #require(pools.json?["nodepools"]?.arrayValue)
            #expect(items.count == 2)
            #expect(items.allSatisfy { $0["nodepool_info"]?["nodepool_id"]?.stringValue?.hasPrefix("np") == true })
            #expect(items.compactMap { $0["status"]?["total_nodes"]?.intValue }.reduce(0, +) == 5)
            let regions = try await client.call("GET", "/regions", action: "DescribeRegions")
            #expect(
                regions.json?["regions"]?.arrayValue?.compactMap { $0["regionId"]?.stringValue }
                    == emulator.fleet.regions)
            #expect(regions.json?["regions"]?[0]?["localName"] == "China (Hangzhou)")
            #expect(regions.json?["requestId"]?.stringValue != nil)
            let chinese = try await client.call(
                "GET", "/regions", query: ["acceptLanguage": "zh-CN"], action: "DescribeRegions")
            #expect(chinese.json?["regions"]?[0]?["localName"] == "华东1（杭州）")
            let unknown = try await client.call("GET", "/no/such/api/here/at/all", action: "Nothing")
            #expect(unknown.status == 404)
            #expect(unknown.json?["Code"] == "InvalidAction.NotFound")
            let wrongVersion = try await client.send(
                client.signed(
                    "GET", "/regions", action: "DescribeRegions", extraHeaders: ["x-acs-version": "2018-01-01"]))
            #expect(wrongVersion.status == 400)
            #expect(wrongVersion.code == "InvalidVersion")
        }
    }

    @Test("DescribeClusterUserKubeconfig: server URL, expiry bounds, PrivateIpAddress")
    func userKubeconfig() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_760_000_000))
        var configuration = EmulatorConfiguration.demo()
        configuration.clock = clock.function
        try await withEmulatorServer(configuration) { emulator in
            var client = CSTestClient(emulator)
            client.clock = clock.function
            let cluster = try #require(emulator.fleet.first(.configMapFalse))
            let path = "/k8s/\(cluster.id)/user_config"
            let reply = try await client.call(
                "GET", path, query: ["TemporaryDurationMinutes": "15", "PrivateIpAddress": "True"],
                action: "DescribeClusterUserKubeconfig")
            #expect(reply.status == 200)
            let config = try #require(reply.json?["config"]?.stringValue)
            #expect(config.contains("\(emulator.kubernetesEndpoint.absoluteString)/clusters/\(cluster.id)"))
            #expect(config.contains("client-certificate-data:"))
            #expect(reply.json?["expiration"] == .string("2025-10-09T09:08:20Z"))
            let longLived = try await client.call("GET", path, action: "DescribeClusterUserKubeconfig")
            #expect(longLived.json?["expiration"]?.stringValue?.hasPrefix("2028-") == true)
            for query in [
                ["TemporaryDurationMinutes": "14"], ["TemporaryDurationMinutes": "4321"],
                ["TemporaryDurationMinutes": "abc"], ["PrivateIpAddress": "maybe"],
            ] {
                let bad = try await client.call("GET", path, query: query, action: "DescribeClusterUserKubeconfig")
                #expect(bad.status == 400)
                #expect(bad.json?["code"] == "InvalidParameter")
            }
            let maximum = try await client.call(
                "GET", path, query: ["TemporaryDurationMinutes": "4320"], action: "DescribeClusterUserKubeconfig")
            #expect(maximum.status == 200)
            let refused = try #require(emulator.fleet.first(.addonPolicyTrueUnverified))
            let refusedReply = try await client.call(
                "GET", "/k8s/\(refused.id)/user_config", action: "DescribeClusterUserKubeconfig")
            let refusedConfig = try #require(refusedReply.json?["config"]?.stringValue)
            #expect(!refusedConfig.contains(emulator.kubernetesEndpoint.absoluteString))
            #expect(refusedConfig.contains("https://127.0.0.1:"))
            let deleted = try #require(emulator.fleet.first(.deleted))
            let deletedReply = try await client.call(
                "GET", "/k8s/\(deleted.id)/user_config", action: "DescribeClusterUserKubeconfig")
            #expect(deletedReply.json?["code"] == "ErrorClusterNotFound")
        }
    }
}
