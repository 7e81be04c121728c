import Audit
import Foundation
import TestSupport
import Testing

@testable import ACKEmulator

@Suite("Saved evidence")
struct SavedEvidenceTests {
    func read(_ url: URL) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    @Test("the writer lays out the RULE.md folder; readable clusters get kubernetes files")
    func layout() throws {
        let fleet = FleetGenerator.generate(.demo)
        let folder = try TemporaryFolder(prefix: "ackguard-emulator-tests")
        defer { folder.remove() }
        try FleetExporter.write(fleet, to: folder.url)
        let listing = try read(folder.url("clusters.json"))
        #expect(listing["clusters"]?.arrayValue?.count == 24)
        #expect(listing["page_info"]?["total_count"] == 24)
        let flannel = try #require(fleet.first(.flannel))
        let detail = try read(folder.url("clusters/\(flannel.id).json"))
        #expect(detail["parameters"]?["Network"] == "Flannel")
        #expect(detail["master_url"]?.stringValue?.contains("/clusters/\(flannel.id)") == true)
        let configMapTrue = try #require(fleet.first(.configMapTrue))
        let addon = try read(folder.url("addons/\(configMapTrue.id)/terway-eniip.json"))
        #expect(addon["name"] == "terway-eniip")
        let eniConfig = try read(folder.url("kubernetes/\(configMapTrue.id)/eni-config.json"))
        #expect(eniConfig["data"]?["disable_network_policy"] == "true")
        let nodes = try read(folder.url("kubernetes/\(configMapTrue.id)/nodes.json"))
        #expect(nodes["kind"] == "List")
        #expect(nodes["items"]?.arrayValue?.isEmpty == false)
        let missing = try #require(fleet.first(.configMapMissing))
        let status = try read(folder.url("kubernetes/\(missing.id)/eni-config.json"))
        #expect(status["kind"] == "Status")
        #expect(status["code"] == 404)
        for situation in [FleetSituation.addonPolicyTrueUnverified, .deleted] {
            let cluster = try #require(fleet.first(situation))
            #expect(
                !FileManager.default.fileExists(
                    atPath: folder.url("kubernetes/\(cluster.id)").path))
        }
    }

    @Test("writing the same seed twice gives the same bytes")
    func byteStable() throws {
        let firstFolder = try TemporaryFolder(prefix: "ackguard-emulator-tests-first")
        defer { firstFolder.remove() }
        let secondFolder = try TemporaryFolder(prefix: "ackguard-emulator-tests-second")
        defer { secondFolder.remove() }
        let (first, second) = (firstFolder.url, secondFolder.url)
        try FleetExporter.write(FleetGenerator.generate(.demo), to: first)
        try FleetExporter.write(FleetGenerator.generate(.demo), to: second)
        let files = try #require(FileManager.default.subpaths(atPath: first.path)).filter { $0.hasSuffix(".json") }
        #expect(files.count > 100)
        for file in files {
            let left = try Data(contentsOf: first.appendingPathComponent(file))
            let right = try Data(contentsOf: second.appendingPathComponent(file))
            #expect(left == right, "\(file)")
        }
    }

    @Test("a written folder loads back with the same records, objects and readability")
    func roundTrip() throws {
        let fleet = FleetGenerator.generate(FleetSpecification(clusterCount: 30, seed: 3))
        let folder = try TemporaryFolder(prefix: "ackguard-emulator-tests")
        defer { folder.remove() }
        try FleetExporter.write(fleet, to: folder.url)
        let loaded = try SavedEvidenceLoader.load(from: folder.url)
        #expect(loaded.clusters.map(\.id) == fleet.clusters.map(\.id))
        #expect(Set(loaded.regions) == Set(fleet.regions))
        for (original, copy) in zip(fleet.clusters, loaded.clusters) {
            var expectedDetail = original.detail.objectValue ?? [:]
            var loadedDetail = copy.detail.objectValue ?? [:]
            expectedDetail["master_url"] = nil
            loadedDetail["master_url"] = nil
            #expect(loadedDetail == expectedDetail)
            #expect(Set(copy.addons) == Set(original.addons))
            let readable = original.kubernetesFault == .none && original.detail["state"] != "deleted"
            if readable {
                #expect(copy.kubernetesFault == .none)
                #expect(copy.kubernetesReadStatuses.isEmpty)
                for kind in ["ConfigMap", "Node", "Namespace", "NetworkPolicy", "Pod"] {
                    let expected = original.kubernetesObjects(kind: kind).filter {
                        kind != "ConfigMap" || $0["metadata"]?["name"] == "eni-config"
                    }
                    #expect(Set(copy.kubernetesObjects(kind: kind)) == Set(expected), "\(copy.id) \(kind)")
                }
                let daemonSets = original.kubernetesObjects(kind: "DaemonSet").compactMap {
                    $0["metadata"]?["name"]?.stringValue
                }.filter { ["terway-eniip", "terway-eni", "kube-flannel-ds"].contains($0) }
                #expect(
                    copy.kubernetesObjects(kind: "DaemonSet").compactMap { $0["metadata"]?["name"]?.stringValue }
                        == daemonSets)
            } else {
                #expect(copy.kubernetesFault == .refuse)
            }
        }
    }

    @Test("YAML files, a bare-array listing and missing files")
    func yamlAndMissingFiles() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-emulator-tests")
        defer { folder.remove() }
        try folder.write(
            "clusters.yaml",
            """
            - cluster_id: c1
              name: yaml-cluster
              region_id: cn-hangzhou
              cluster_type: ManagedKubernetes
              state: running
              size: 3
              deletion_protection: false
              parameters:
                Network: terway-eniip
              meta_data: '{"Addons":[{"name":"terway-eniip","config":"{\\"NetworkPolicy\\":\\"true\\"}"}]}'
            """)
        try folder.write(
            "kubernetes/c1/eni-config.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: eni-config
              namespace: kube-system
            data:
              disable_network_policy: "true"
              in_cluster_loadbalance: "true"
            """)
        try folder.write(
            "kubernetes/c1/nodes.yml",
            """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Node
              metadata:
                name: node-a
                labels:
                  k8s.aliyun.com/exclusive-mode-eni-type: eniOnly
            """)
        try folder.write(
            "addons/c1/terway-eniip.json",
            #"{"name":"terway-eniip","version":"v1.9.6","state":"active","config":"{\"NetworkPolicy\":\"false\"}"}"#)
        let fleet = try SavedEvidenceLoader.load(from: folder.url)
        let cluster = try #require(fleet.cluster(id: "c1"))
        #expect(cluster.detail["size"] == 3)
        #expect(cluster.detail["deletion_protection"] == false)
        #expect(cluster.detail["parameters"]?["Network"] == "terway-eniip")
        let configMap = try #require(cluster.kubernetesObjects(kind: "ConfigMap").first)
        #expect(configMap["data"]?["disable_network_policy"] == .string("true"))
        #expect(cluster.kubernetesObjects(kind: "Node").count == 1)
        #expect(cluster.addon(named: "terway-eniip")?["config"] == #"{"NetworkPolicy":"false"}"#)
        #expect(cluster.kubernetesReadStatuses == ["namespaces": 403, "networkpolicies": 403, "pods": 403])
        #expect(cluster.kubernetesObjects(kind: "DaemonSet").first?["metadata"]?["name"] == "terway-eniip")
        #expect(fleet.regions == ["cn-hangzhou"])
    }

    @Test("a listing saved as several pages, detail files and Status objects")
    func pagesAndStatuses() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-emulator-tests")
        defer { folder.remove() }
        try folder.write(
            "clusters.json",
            """
            [{"clusters":[{"cluster_id":"c1","name":"one","region_id":"cn-beijing","state":"running"}],
              "page_info":{"page_number":1,"page_size":1,"total_count":2}},
             {"clusters":[{"cluster_id":"c2","name":"two","region_id":"cn-shanghai","state":"running"}],
              "page_info":{"page_number":2,"page_size":1,"total_count":2}}]
            """)
        try folder.write(
            "clusters/c2.json",
            #"{"cluster_id":"c2","name":"two","region_id":"cn-shanghai","state":"running","parameters":{"Network":"Flannel"}}"#
        )
        try folder.write(
            "kubernetes/c2/eni-config.json",
            #"{"apiVersion":"v1","kind":"Status","status":"Failure","reason":"NotFound","code":404}"#)
        try folder.write(
            "kubernetes/c2/pods.json",
            #"{"apiVersion":"v1","kind":"Status","status":"Failure","reason":"Forbidden","code":403}"#)
        let fleet = try SavedEvidenceLoader.load(from: folder.url)
        #expect(fleet.clusters.map(\.id) == ["c1", "c2"])
        #expect(fleet.regions == ["cn-beijing", "cn-shanghai"])
        let second = try #require(fleet.cluster(id: "c2"))
        #expect(second.detail["parameters"]?["Network"] == "Flannel")
        #expect(second.kubernetesObjects(kind: "ConfigMap").isEmpty)
        #expect(second.kubernetesReadStatuses["configmaps"] == nil)
        #expect(second.kubernetesReadStatuses["pods"] == 403)
        #expect(fleet.cluster(id: "c1")?.kubernetesFault == .refuse)
    }

    @Test("a file that does not parse is an error naming the file")
    func parseError() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-emulator-tests")
        defer { folder.remove() }
        try folder.write("clusters.json", #"{"clusters": [ {"cluster_id": "c1",, } ]}"#)
        do {
            _ = try SavedEvidenceLoader.load(from: folder.url)
            Issue.record("loading a broken listing succeeded")
        } catch let error as SavedEvidenceError {
            guard case .unparsable(let path, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path.hasSuffix("clusters.json"))
            #expect(error.description.contains("clusters.json"))
        }
        let emptyFolder = try TemporaryFolder(prefix: "ackguard-emulator-tests-empty")
        defer { emptyFolder.remove() }
        let empty = emptyFolder.url
        #expect(throws: SavedEvidenceError.missingListing(directory: empty.path)) {
            try SavedEvidenceLoader.load(from: empty)
        }
    }

    @Test("a saved folder is served live: the same listings, details and add-ons as the fleet it was written from")
    func servedLive() async throws {
        let fleet = FleetGenerator.generate(.demo)
        let folder = try TemporaryFolder(prefix: "ackguard-emulator-tests")
        defer { folder.remove() }
        try FleetExporter.write(fleet, to: folder.url)
        func snapshot(_ source: EmulatorConfiguration.FleetSource) async throws -> [JSONValue] {
            var configuration = EmulatorConfiguration.demo()
            configuration.fleet = source
            return try await withEmulatorServer(configuration) { (emulator: Emulator) async throws in
                let client = CSTestClient(emulator)
                var bodies: [JSONValue] = []
                let listing = try await client.call("GET", "/api/v1/clusters", query: ["page_size": "100"])
                for item in listing.json?["clusters"]?.arrayValue ?? [] {
                    let id = try #require(item["cluster_id"]?.stringValue)
                    bodies.append(withoutMasterURL(item))
                    let detail = try await client.call("GET", "/clusters/\(id)", action: "DescribeClusterDetail")
                    bodies.append(withoutMasterURL(try #require(detail.json)))
                    let addon = try await client.call(
                        "GET", "/clusters/\(id)/addon_instances/terway-eniip", action: "GetClusterAddonInstance")
                    bodies.append(try #require(addon.json?["config"] ?? addon.json?["code"]))
                }
                return bodies
            }
        }
        let live = try await snapshot(.fleet(fleet))
        let served = try await snapshot(.savedEvidence(folder.url))
        #expect(live.count == 24 * 3)
        #expect(served == live)
    }

    func withoutMasterURL(_ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = value else { return value }
        fields["master_url"] = nil
        return .object(fields)
    }
}
