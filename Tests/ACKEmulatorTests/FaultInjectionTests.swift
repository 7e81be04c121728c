import AsyncHTTPClient
import Audit
import Foundation
import NIOHTTP1
import TestSupport
import Testing

@testable import ACKEmulator

@Suite("Fault injection")
struct FaultInjectionTests {
    func configuration(_ faults: FaultConfiguration, seed: UInt64 = 7) -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration.demo()
        configuration.faults = faults
        configuration.seed = seed
        return configuration
    }

    @Test("latency: a fixed delay plus seeded jitter is applied before answering")
    func latency() async throws {
        let faults = FaultConfiguration(
            perAPI: ["DescribeRegions": APIFaults(latency: .milliseconds(150), jitter: .milliseconds(100))])
        try await withEmulatorServer(configuration(faults)) { emulator in
            let client = CSTestClient(emulator)
            let clock = ContinuousClock()
            let start = clock.now
            let reply = try await client.call("GET", "/regions", action: "DescribeRegions")
            #expect(reply.status == 200)
            #expect(clock.now - start >= .milliseconds(150))
            for _ in 0..<20 {
                let decided = await emulator.state.networkFaults(for: "DescribeRegions")
                #expect(decided.delay >= .milliseconds(150) && decided.delay <= .milliseconds(250))
                #expect(!decided.reset)
            }
            #expect(await emulator.state.networkFaults(for: "DescribeClustersV1").delay == .zero)
        }
    }

    @Test("throttling: a token bucket per API, HTTP 400 Throttling.User beyond it")
    func throttling() async throws {
        let faults = FaultConfiguration(all: APIFaults(rateLimit: RateLimit(perSecond: 0.001, burst: 3)))
        try await withEmulatorServer(configuration(faults)) { emulator in
            let client = CSTestClient(emulator)
            for _ in 0..<3 {
                #expect(try await client.call("GET", "/regions", action: "DescribeRegions").status == 200)
            }
            let throttled = try await client.call("GET", "/regions", action: "DescribeRegions")
            #expect(throttled.status == 400)
            #expect(throttled.code == "Throttling.User")
            #expect(throttled.json?["Message"] == "Request was denied due to user flow control.")
            #expect(throttled.json?["RequestId"] != nil && throttled.json?["HostId"] != nil)
            #expect(try await client.call("GET", "/api/v1/clusters").status == 200)
        }
    }

    @Test("throttled tokens come back at the configured rate")
    func refill() async throws {
        let clock = TestClock(Date())
        var configuration = configuration(
            FaultConfiguration(all: APIFaults(rateLimit: RateLimit(perSecond: 2, burst: 1))))
        configuration.clock = clock.function
        try await withEmulatorServer(configuration) { (emulator: Emulator) async throws in
            var client = CSTestClient(emulator)
            client.clock = clock.function
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").status == 200)
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").code == "Throttling.User")
            clock.advance(by: 0.6)
            #expect(try await client.call("GET", "/regions", action: "DescribeRegions").status == 200)
        }
    }

    @Test("a fraction of calls get 500 InternalError or 503 ServiceUnavailable, deterministically per seed")
    func serverErrors() async throws {
        let always = FaultConfiguration(all: APIFaults(serverErrorFraction: 1))
        try await withEmulatorServer(configuration(always)) { emulator in
            let client = CSTestClient(emulator)
            var codes: Set<String> = []
            for _ in 0..<12 {
                let reply = try await client.call("GET", "/regions", action: "DescribeRegions")
                #expect(reply.status == 500 || reply.status == 503)
                codes.insert(try #require(reply.code))
            }
            #expect(codes == ["InternalError", "ServiceUnavailable"])
        }
        func run(seed: UInt64) async throws -> [Int] {
            let half = FaultConfiguration(all: APIFaults(serverErrorFraction: 0.5))
            return try await withEmulatorServer(configuration(half, seed: seed)) { emulator in
                let client = CSTestClient(emulator)
                var statuses: [Int] = []
                for _ in 0..<30 {
                    statuses.append(try await client.call("GET", "/regions", action: "DescribeRegions").status)
                }
                return statuses
            }
        }
        let first = try await run(seed: 42)
        #expect(try await run(seed: 42) == first)
        #expect(first.contains(200) && first.contains { $0 >= 500 })
    }

    @Test("connection resets close the connection without a response")
    func connectionReset() async throws {
        let faults = FaultConfiguration(perAPI: ["DescribeRegions": APIFaults(connectionResetFraction: 1)])
        try await withEmulatorServer(configuration(faults)) { (emulator: Emulator) async throws in
            let client = CSTestClient(emulator)
            await #expect(throws: (any Error).self) {
                _ = try await client.call("GET", "/regions", action: "DescribeRegions")
            }
            #expect(try await client.call("GET", "/api/v1/clusters").status == 200)
            #expect(await emulator.requestCounts()["DescribeRegions"] == 1)
        }
    }

    @Test("a disappearing cluster answers ErrorClusterNotFound after K mentions and leaves listings")
    func disappearing() async throws {
        let fleet = FleetGenerator.generate(.demo)
        let cluster = try #require(fleet.first(.configMapTrue))
        var configuration = configuration(FaultConfiguration(disappearingClusters: [cluster.id: 2]))
        configuration.fleet = .fleet(fleet)
        try await withEmulatorServer(configuration) { emulator in
            let client = CSTestClient(emulator)
            let listed = try await client.call("GET", "/api/v1/clusters", query: ["page_size": "100"])
            #expect(listed.json?["page_info"]?["total_count"] == 24)
            #expect(
                try await client.call("GET", "/clusters/\(cluster.id)", action: "DescribeClusterDetail").status == 200)
            #expect(await emulator.state.clusterExists(cluster.id))
            let gone = try await client.call(
                "GET", "/clusters/\(cluster.id)/addon_instances/terway-eniip", action: "GetClusterAddonInstance")
            #expect(gone.status == 404)
            #expect(gone.code == "ErrorClusterNotFound")
            #expect(!(await emulator.state.clusterExists(cluster.id)))
            let after = try await client.call("GET", "/api/v1/clusters", query: ["page_size": "100"])
            #expect(after.json?["page_info"]?["total_count"] == 23)
            #expect(
                after.json?["clusters"]?.arrayValue?.contains { $0["cluster_id"]?.stringValue == cluster.id } == false)
        }
    }

    @Test("Kubernetes faults and injected statuses reach the Kubernetes server through the state")
    func kubernetesFaults() async throws {
        let fleet = FleetGenerator.generate(.demo)
        let target = try #require(fleet.first(.configMapFalse))
        let refusing = try #require(fleet.first(.addonPolicyTrueUnverified))
        let faults = FaultConfiguration(
            kubernetes: [target.id: .hang],
            kubernetesStatuses: [
                KubernetesStatusInjection(clusterId: "*", method: "PATCH", resource: "daemonsets", status: 500),
                KubernetesStatusInjection(clusterId: target.id, method: "GET", resource: "configmaps", status: 403),
            ])
        let state = EmulatorState(fleet: fleet, configuration: configuration(faults))
        #expect(await state.kubernetesFault(clusterId: target.id) == .hang)
        #expect(await state.kubernetesFault(clusterId: refusing.id) == .refuse)
        #expect(await state.kubernetesFault(clusterId: try #require(fleet.first(.flannel)).id) == .none)
        #expect(
            await state.injectedKubernetesStatus(clusterId: refusing.id, method: "PATCH", resource: "daemonsets") == 500
        )
        #expect(
            await state.injectedKubernetesStatus(clusterId: target.id, method: "get", resource: "configmaps") == 403)
        #expect(
            await state.injectedKubernetesStatus(clusterId: refusing.id, method: "GET", resource: "configmaps") == nil)
        #expect(await state.clusterExists(target.id))
        #expect(!(await state.clusterExists(try #require(fleet.first(.deleted)).id)))
        #expect(!(await state.clusterExists("cnothere")))
        let configMaps = try await state.withKubernetesStore(clusterId: target.id) { store in
            store.objects(kind: "ConfigMap").compactMap { $0["data"]?["disable_network_policy"]?.stringValue }
        }
        #expect(configMaps == ["false"])
        await #expect(throws: EmulatorStateError.unknownCluster("cnothere")) {
            try await state.withKubernetesStore(clusterId: "cnothere") { _ in 0 }
        }
    }

    @Test("the request log counts per API, in process and at /_emulator/requests, and resets")
    func requestLog() async throws {
        try await withEmulatorServer { emulator in
            let client = CSTestClient(emulator)
            _ = try await client.call("GET", "/api/v1/clusters")
            _ = try await client.call("GET", "/api/v1/clusters", query: ["page_number": "2"])
            _ = try await client.call("GET", "/regions", action: "DescribeRegions")
            _ = try await client.call("GET", "/clusters/cnothere", action: "DescribeClusterDetail")
            await emulator.state.recordRequest("k8s:GET configmaps")
            let counts = await emulator.requestCounts()
            #expect(
                counts == [
                    "DescribeClustersV1": 2, "DescribeRegions": 1, "DescribeClusterDetail": 1, "k8s:GET configmaps": 1,
                ])
            let admin = try await client.unsigned("/_emulator/requests")
            #expect(admin.status == 200)
            #expect(admin.json?["counts"]?["DescribeClustersV1"] == 2)
            #expect(admin.json?["total"] == 5)
            let reset = try await client.unsigned("/_emulator/reset-log", method: .POST)
            #expect(reset.status == 200)
            #expect(await emulator.requestCounts().isEmpty)
            #expect(try await client.unsigned("/_emulator/requests").json?["total"] == 0)
        }
    }
}
