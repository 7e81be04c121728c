import ACKEmulator
import Audit
import Foundation
import KubernetesAPI
import Testing

@Suite("KubernetesClient against the emulated API server over mutual TLS")
struct KubernetesClientTests {
    @Test("a kubeconfig from the emulator reads kube-system/eni-config over mTLS")
    func readsEniConfig() async throws {
        try await EmulatedCluster.run { cluster in
            try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                let configMap = try await client.configMap(namespace: "kube-system", name: "eni-config")
                #expect(configMap.data?["disable_network_policy"] == "true")
                #expect(configMap.data?["10-terway.conf"] == EmulatedCluster.tenTerwayConf)
                #expect(configMap.metadata.resourceVersion == "1201")
                #expect(configMap.raw["kind"] == "ConfigMap")
                #expect(configMap.raw["data"]?["eni_conf"]?.stringValue == EmulatedCluster.eniConf)
            }
            let requests = await cluster.backend.requests
            #expect(requests == ["k8s:GET configmaps"])
        }
    }

    @Test("a server certificate from another CA is rejected")
    func wrongCertificateAuthority() async throws {
        try await EmulatedCluster.run { cluster in
            var endpoint = try cluster.endpoint()
            let stranger = try EmulatorCertificateAuthority()
            endpoint.trust = .certificateAuthority(pem: Array(stranger.caCertificatePEM.utf8))
            let error = await captureError {
                try await withKubernetesClient(endpoint: endpoint) { client in
                    try await client.get(KubernetesPath.configMap(namespace: "kube-system", name: "eni-config"))
                }
            }
            guard case .tls = error else {
                Issue.record("expected a TLS error, got \(String(describing: error))")
                return
            }
            #expect(await cluster.backend.requests.isEmpty)
        }
    }

    @Test("system roots do not trust the emulator CA")
    func systemRootsRejectPrivateCA() async throws {
        try await EmulatedCluster.run { cluster in
            var endpoint = try cluster.endpoint()
            endpoint.trust = .systemRoots
            let error = await captureError {
                try await withKubernetesClient(endpoint: endpoint) { client in try await client.get("/version") }
            }
            guard case .tls = error else {
                Issue.record("expected a TLS error, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("an expired client certificate gets 401 with the Status kept")
    func expiredClientCertificate() async throws {
        try await EmulatedCluster.run { cluster in
            let yaml = try EmulatorKubeconfig.make(
                clusterId: EmulatedCluster.clusterId, clusterName: "prod", server: cluster.baseURL,
                authority: cluster.authority, userName: "u", notValidBefore: Date() - 7_200,
                expiration: Date() - 3_600)
            let endpoint = try Kubeconfig.parse(yaml: yaml, baseDirectory: nil).resolve(context: nil)
            let error = await captureError {
                try await withKubernetesClient(endpoint: endpoint) { client in
                    try await client.get(KubernetesPath.configMap(namespace: "kube-system", name: "eni-config"))
                }
            }
            let status = try #require(error?.apiStatus)
            #expect(status.code == 401)
            #expect(status.reason == "Unauthorized")
            #expect(status.raw["kind"] == "Status")
            #expect(status.raw["status"] == "Failure")
        }
    }

    @Test("a client certificate for another cluster gets 401")
    func certificateForAnotherCluster() async throws {
        try await EmulatedCluster.run { cluster in
            let yaml = try EmulatorKubeconfig.make(
                clusterId: "c-other", clusterName: "other", server: cluster.baseURL, authority: cluster.authority,
                userName: "u", expiration: Date() + 600)
            let endpoint = try Kubeconfig.parse(yaml: yaml, baseDirectory: nil).resolve(context: nil)
            let error = await captureError {
                try await withKubernetesClient(endpoint: endpoint) { client in try await client.get("/version") }
            }
            #expect(error?.apiStatus?.code == 401)
        }
    }

    @Test("a server certificate for another host is rejected unless insecure-skip-tls-verify is true")
    func hostnameVerification() async throws {
        try await EmulatedCluster.run(certificateForAnotherHost: true) { cluster in
            let verified = try cluster.endpoint()
            let error = await captureError {
                try await withKubernetesClient(endpoint: verified) { client in try await client.get("/version") }
            }
            guard case .tls = error else {
                Issue.record("expected a TLS error, got \(String(describing: error))")
                return
            }

            var insecure = verified
            insecure.trust = .insecureSkipVerify
            let version = try await withKubernetesClient(endpoint: insecure) { client in
                try await client.get("/version")
            }
            #expect(version["gitVersion"]?.stringValue?.hasPrefix("v1.") == true)
        }
    }

    @Test("lists follow limit/continue and merge the pages")
    func paging() async throws {
        let names = (1...7).map { String(format: "ns-%02d", $0) }
        try await EmulatedCluster.run(objects: names.map(EmulatedCluster.namespace)) { cluster in
            let merged = try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                try await client.list(KubernetesPath.namespaces, pageSize: 3)
            }
            #expect(merged["kind"] == "NamespaceList")
            #expect(merged["apiVersion"] == "v1")
            #expect(merged["metadata"]?["continue"] == nil)
            let listed = merged["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue }
            #expect(listed == names)
            #expect(await cluster.backend.requests == Array(repeating: "k8s:GET namespaces", count: 3))

            let typed = try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                try await client.namespaces()
            }
            #expect(typed.items.map(\.metadata.name) == names)
            #expect(typed.items.allSatisfy { $0.status?.phase == "Active" })
        }
    }

    @Test("paging stops at maxPages")
    func pageBudget() async throws {
        let names = (1...5).map { "ns-\($0)" }
        try await EmulatedCluster.run(objects: names.map(EmulatedCluster.namespace)) { cluster in
            let error = await captureError {
                try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                    try await client.list(KubernetesPath.namespaces, pageSize: 2, maxPages: 2)
                }
            }
            guard case .paging = error else {
                Issue.record("expected a paging error, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("a merge patch changes one key and leaves the others byte-identical")
    func mergePatchKeepsOtherKeys() async throws {
        try await EmulatedCluster.run { cluster in
            try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                let path = KubernetesPath.configMap(namespace: "kube-system", name: "eni-config")
                let before = try await client.get(path)
                let patched = try await client.patchConfigMapData(
                    namespace: "kube-system", name: "eni-config", ["disable_network_policy": "false"])
                #expect(patched.data?["disable_network_policy"] == "false")
                let after = try await client.get(path)
                for key in ["10-terway.conf", "eni_conf", "in_cluster_loadbalance"] {
                    let old = try #require(before["data"]?[key]?.stringValue)
                    let new = try #require(after["data"]?[key]?.stringValue)
                    #expect(Array(old.utf8) == Array(new.utf8), "key \(key) changed")
                }
                #expect(after["metadata"]?["resourceVersion"] != before["metadata"]?["resourceVersion"])
                #expect(after["metadata"]?["uid"] == before["metadata"]?["uid"])

                // null deletes a key; a strategic merge patch merges the map the same way.
                _ = try await client.mergePatch(path, ["data": ["in_cluster_loadbalance": nil]])
                _ = try await client.strategicMergePatch(path, ["data": ["felix_relay_service": "typha"]])
                let last = try await client.configMap(namespace: "kube-system", name: "eni-config")
                #expect(last.data?["in_cluster_loadbalance"] == nil)
                #expect(last.data?["felix_relay_service"] == "typha")
                #expect(last.data?["eni_conf"] == EmulatedCluster.eniConf)
            }
            #expect(
                await cluster.backend.requests.filter { $0.hasPrefix("k8s:PATCH") } == [
                    "k8s:PATCH configmaps", "k8s:PATCH configmaps", "k8s:PATCH configmaps",
                ])
        }
    }

    @Test("PUT with a stale resourceVersion gets 409 Conflict; with the current one it succeeds")
    func conflict() async throws {
        try await EmulatedCluster.run { cluster in
            try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                let path = KubernetesPath.configMap(namespace: "kube-system", name: "eni-config")
                let original = try await client.get(path)
                _ = try await client.mergePatch(path, ["data": ["disable_network_policy": "false"]])
                var stale = original
                if case .object(var members) = stale, case .object(var data)? = members["data"] {
                    data["disable_network_policy"] = "0"
                    members["data"] = .object(data)
                    stale = .object(members)
                }
                let error = await captureError { try await client.put(path, stale) }
                let status = try #require(error?.apiStatus)
                #expect(status.code == 409)
                #expect(status.reason == "Conflict")
                #expect(status.raw["details"]?["name"] == "eni-config")
                #expect(status.request == "PUT " + path)

                let current = try await client.get(path)
                var fresh = current
                if case .object(var members) = fresh, case .object(var data)? = members["data"] {
                    data["disable_network_policy"] = "0"
                    members["data"] = .object(data)
                    fresh = .object(members)
                }
                let saved = try await client.put(path, fresh)
                #expect(saved["data"]?["disable_network_policy"] == "0")
            }
        }
    }

    @Test("401, 403 and 404 surface as KubernetesError.status with the Status kept")
    func statusErrors() async throws {
        try await EmulatedCluster.run { cluster in
            try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                let missing = await captureError {
                    try await client.configMap(namespace: "kube-system", name: "absent")
                }
                let notFound = try #require(missing?.apiStatus)
                #expect(notFound.code == 404)
                #expect(notFound.reason == "NotFound")
                #expect(notFound.message == "configmaps \"absent\" not found")
                #expect(notFound.raw["details"] == ["name": "absent", "kind": "configmaps"])

                await cluster.backend.setFault(.forbidden, clusterId: EmulatedCluster.clusterId)
                let refused = await captureError { try await client.nodes() }
                let forbidden = try #require(refused?.apiStatus)
                #expect(forbidden.code == 403)
                #expect(forbidden.reason == "Forbidden")
                #expect(forbidden.message?.contains("cannot list resource \"nodes\"") == true)

                await cluster.backend.setFault(.unauthorized, clusterId: EmulatedCluster.clusterId)
                let unauthorized = await captureError { try await client.nodes() }
                #expect(unauthorized?.apiStatus?.code == 401)
                #expect(unauthorized?.apiStatus?.reason == "Unauthorized")

                await cluster.backend.setFault(.none, clusterId: EmulatedCluster.clusterId)
                await cluster.backend.inject(503, method: "GET", resource: "pods")
                let unavailable = await captureError { try await client.pods() }
                #expect(unavailable?.apiStatus?.code == 503)
                #expect(unavailable?.apiStatus?.reason == "ServiceUnavailable")
            }
        }
    }

    @Test("a hanging server times out with KubernetesError.timeout")
    func hang() async throws {
        try await EmulatedCluster.run { cluster in
            await cluster.backend.setFault(.hang, clusterId: EmulatedCluster.clusterId)
            let error = await captureError {
                try await withKubernetesClient(endpoint: try cluster.endpoint(), timeout: .milliseconds(300)) {
                    client in
                    try await client.get(KubernetesPath.configMap(namespace: "kube-system", name: "eni-config"))
                }
            }
            guard case .timeout = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
        }
    }

    @Test("a refused or vanished cluster is a transport error")
    func refusedAndDeleted() async throws {
        try await EmulatedCluster.run { cluster in
            await cluster.backend.setFault(.refuse, clusterId: EmulatedCluster.clusterId)
            let refused = await captureError {
                try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                    try await client.get("/version")
                }
            }
            guard case .transport = refused else {
                Issue.record("expected a transport error, got \(String(describing: refused))")
                return
            }
            await cluster.backend.removeCluster(EmulatedCluster.clusterId)
            let vanished = await captureError {
                try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                    try await client.get("/version")
                }
            }
            guard case .transport = vanished else {
                Issue.record("expected a transport error, got \(String(describing: vanished))")
                return
            }
        }
    }

    @Test("a DaemonSet rollout restart bumps the generation and the rollout completes")
    func restartDaemonSet() async throws {
        try await EmulatedCluster.run(objects: [EmulatedCluster.terwayDaemonSet]) { cluster in
            try await withKubernetesClient(endpoint: try cluster.endpoint()) { client in
                let before = try await client.daemonSet(namespace: "kube-system", name: "terway-eniip")
                #expect(before.metadata.generation == 3)
                #expect(before.isRolledOut)
                let stamp = Date(timeIntervalSince1970: 1_700_000_000)
                let after = try await client.restartDaemonSet(namespace: "kube-system", name: "terway-eniip", at: stamp)
                #expect(after.metadata.generation == 4)
                #expect(
                    after.spec?.template?.metadata?.annotations?["kubectl.kubernetes.io/restartedAt"]
                        == "2023-11-14T22:13:20Z")
                #expect(after.status?.observedGeneration == 4)
                #expect(after.isRolledOut)
                // The containers list is merged by name, not replaced.
                #expect(after.raw["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.count == 2)
                let listed = try await client.daemonSets(namespace: "kube-system")
                #expect(listed.items.map(\.metadata.name) == ["terway-eniip"])
            }
        }
    }
}

/// The `KubernetesError` `body` throws, or `nil` when it succeeds (any other error is recorded as an issue).
func captureError<T>(_ body: () async throws -> T) async -> KubernetesError? {
    do {
        _ = try await body()
        return nil
    } catch let error as KubernetesError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}
