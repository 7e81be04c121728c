import Audit
import Foundation
import Testing

@testable import ACKEmulator

@Suite("Kubernetes object store semantics")
struct KubernetesObjectStoreTests {
    static let configMaps = KubernetesResourceType.find(prefix: "/api/v1", resource: "configmaps")!
    static let namespaces = KubernetesResourceType.find(prefix: "/api/v1", resource: "namespaces")!
    static let daemonSets = KubernetesResourceType.find(prefix: "/apis/apps/v1", resource: "daemonsets")!

    static let eniConfig: JSONValue = [
        "kind": "ConfigMap",
        "metadata": ["name": "eni-config", "namespace": "kube-system"],
        "data": ["disable_network_policy": "true", "eni_conf": "{\"version\": \"1\"}", "keep": "me"],
    ]

    static let daemonSet: JSONValue = [
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": ["name": "terway-eniip", "namespace": "kube-system"],
        "spec": [
            "template": [
                "metadata": ["labels": ["app": "terway-eniip"]],
                "spec": ["containers": [["name": "terway", "image": "a:1"], ["name": "policy", "image": "b:1"]]],
            ]
        ],
        "status": [
            "desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 3, "observedGeneration": 1,
        ],
    ]

    static func store(_ objects: JSONValue...) -> KubernetesObjectStore {
        var store = KubernetesObjectStore(creationTime: Date(timeIntervalSince1970: 1_700_000_000))
        for object in objects { store.insert(object) }
        return store
    }

    @Test("insert fills in uid, resourceVersion, creationTimestamp, apiVersion and the default namespace")
    func insertDefaults() throws {
        let store = Self.store(
            ["kind": "ConfigMap", "metadata": ["name": "b"]],
            [
                "kind": "ConfigMap",
                "metadata": ["name": "a", "namespace": "z", "resourceVersion": "500", "uid": "u-1"],
            ],
            ["kind": "Namespace", "metadata": ["name": "default", "namespace": "ignored"]])
        let configMaps = store.objects(kind: "ConfigMap")
        #expect(configMaps.map { $0["metadata"]?["name"]?.stringValue } == ["b", "a"])
        let first = try #require(configMaps.first)
        #expect(first["apiVersion"] == "v1")
        #expect(first["metadata"]?["namespace"] == "default")
        #expect(first["metadata"]?["creationTimestamp"] == "2023-11-14T22:13:20Z")
        #expect(first["metadata"]?["uid"]?.stringValue?.count == 36)
        #expect(configMaps[1]["metadata"]?["uid"] == "u-1")
        #expect(configMaps[1]["metadata"]?["resourceVersion"] == "500")
        #expect(store.objects(kind: "Namespace").first?["metadata"]?["namespace"] == nil)
        #expect(Int(store.resourceVersion)! >= 500)
    }

    @Test("a Node's nodeInfo gets the fields the API server always sends")
    func nodeInfo() throws {
        let store = Self.store(
            [
                "kind": "Node", "metadata": ["name": "n1"],
                "status": ["nodeInfo": ["kubeletVersion": "v1.30.1-aliyun.1", "osImage": "custom"]],
            ])
        let info = try #require(store.objects(kind: "Node").first?["status"]?["nodeInfo"])
        for key in [
            "architecture", "bootID", "containerRuntimeVersion", "kernelVersion", "kubeProxyVersion",
            "kubeletVersion", "machineID", "operatingSystem", "osImage", "systemUUID",
        ] {
            #expect(info[key]?.stringValue?.isEmpty == false, "nodeInfo.\(key)")
        }
        #expect(info["osImage"] == "custom")
        #expect(info["kubeProxyVersion"] == "v1.30.1-aliyun.1")
    }

    @Test("lists page with limit and continue; items carry no kind or apiVersion")
    func paging() throws {
        var store = Self.store()
        for index in 1...5 { store.insert(["kind": "Namespace", "metadata": ["name": .string("ns-\(index)")]]) }
        let first = try store.list(Self.namespaces, namespace: nil, limit: 2, continueToken: nil)
        #expect(first["kind"] == "NamespaceList")
        #expect(first["metadata"]?["remainingItemCount"] == 3)
        #expect(first["items"]?[0]?["kind"] == nil)
        #expect(first["items"]?[0]?["apiVersion"] == nil)
        var names = first["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
        var token = first["metadata"]?["continue"]?.stringValue
        while let current = token {
            let page = try store.list(Self.namespaces, namespace: nil, limit: 2, continueToken: current)
            names += page["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } ?? []
            token = page["metadata"]?["continue"]?.stringValue
        }
        #expect(names == ["ns-1", "ns-2", "ns-3", "ns-4", "ns-5"])
        #expect(throws: KubernetesAPIError.self) {
            try store.list(Self.namespaces, namespace: nil, limit: 2, continueToken: "not-a-token")
        }
    }

    @Test("a merge patch sets, deletes and leaves other keys alone, with a new resourceVersion")
    func mergePatch() throws {
        var store = Self.store(Self.eniConfig)
        let before = try store.get(Self.configMaps, namespace: "kube-system", name: "eni-config")
        let after = try store.patch(
            Self.configMaps, namespace: "kube-system", name: "eni-config",
            patch: ["data": ["disable_network_policy": "false", "keep": nil]], strategic: false)
        #expect(after["data"] == ["disable_network_policy": "false", "eni_conf": "{\"version\": \"1\"}"])
        #expect(after["metadata"]?["uid"] == before["metadata"]?["uid"])
        let oldVersion = try #require(before["metadata"]?["resourceVersion"]?.stringValue.flatMap { Int($0) })
        let newVersion = try #require(after["metadata"]?["resourceVersion"]?.stringValue.flatMap { Int($0) })
        #expect(newVersion > oldVersion)

        let again = try store.patch(
            Self.configMaps, namespace: "kube-system", name: "eni-config",
            patch: ["data": ["disable_network_policy": "false"]], strategic: true)
        #expect(again["metadata"]?["resourceVersion"] == after["metadata"]?["resourceVersion"])
    }

    @Test("a patch or update with a stale resourceVersion is a 409 Conflict")
    func conflicts() throws {
        var store = Self.store(Self.eniConfig)
        let original = try store.get(Self.configMaps, namespace: "kube-system", name: "eni-config")
        _ = try store.patch(
            Self.configMaps, namespace: "kube-system", name: "eni-config", patch: ["data": ["x": "1"]], strategic: false
        )
        let stale = try #require(original["metadata"]?["resourceVersion"])
        #expect(throws: KubernetesAPIError.conflict(resource: "configmaps", group: "", name: "eni-config")) {
            try store.patch(
                Self.configMaps, namespace: "kube-system", name: "eni-config",
                patch: ["metadata": ["resourceVersion": stale], "data": ["x": "2"]], strategic: false)
        }
        #expect(throws: KubernetesAPIError.conflict(resource: "configmaps", group: "", name: "eni-config")) {
            try store.replace(Self.configMaps, namespace: "kube-system", name: "eni-config", object: original)
        }
        // Without a resourceVersion an update is unconditional, like for ConfigMaps on a real server.
        var unconditional = original
        if case .object(var members) = unconditional, case .object(var metadata)? = members["metadata"] {
            metadata["resourceVersion"] = nil
            members["metadata"] = .object(metadata)
            members["data"] = ["only": "this"]
            unconditional = .object(members)
        }
        let replaced = try store.replace(
            Self.configMaps, namespace: "kube-system", name: "eni-config", object: unconditional)
        #expect(replaced["data"] == ["only": "this"])
        #expect(replaced["metadata"]?["uid"] == original["metadata"]?["uid"])
    }

    @Test("bad writes are refused with the API server's reasons")
    func badWrites() throws {
        var store = Self.store(Self.eniConfig)
        #expect(throws: KubernetesAPIError.notFound(resource: "configmaps", group: "", name: "absent")) {
            try store.patch(
                Self.configMaps, namespace: "kube-system", name: "absent", patch: ["data": [:]], strategic: false)
        }
        let number = #expect(throws: KubernetesAPIError.self) {
            try store.patch(
                Self.configMaps, namespace: "kube-system", name: "eni-config", patch: ["data": ["n": 5]],
                strategic: false)
        }
        #expect(number?.code == 400)
        let renamed = #expect(throws: KubernetesAPIError.self) {
            try store.patch(
                Self.configMaps, namespace: "kube-system", name: "eni-config",
                patch: ["metadata": ["name": "other"]], strategic: false)
        }
        #expect(renamed?.code == 400)
    }

    @Test("a rollout restart bumps the DaemonSet generation, merges containers by name and completes the rollout")
    func daemonSetRestart() throws {
        var store = Self.store(Self.daemonSet)
        let before = try store.get(Self.daemonSets, namespace: "kube-system", name: "terway-eniip")
        #expect(before["metadata"]?["generation"] == 1)
        let patch: JSONValue = [
            "spec": [
                "template": [
                    "metadata": ["annotations": ["kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z"]],
                    "spec": [
                        "$setElementOrder/containers": [["name": "terway"], ["name": "policy"]],
                        "containers": [["name": "policy", "image": "b:2"]],
                    ],
                ]
            ]
        ]
        let after = try store.patch(
            Self.daemonSets, namespace: "kube-system", name: "terway-eniip", patch: patch, strategic: true)
        #expect(after["metadata"]?["generation"] == 2)
        #expect(after["status"]?["observedGeneration"] == 2)
        #expect(after["status"]?["updatedNumberScheduled"] == 3)
        #expect(after["status"]?["numberAvailable"] == 3)
        let containers = after["spec"]?["template"]?["spec"]?["containers"]
        #expect(containers == [["name": "terway", "image": "a:1"], ["name": "policy", "image": "b:2"]])
        #expect(after["spec"]?["template"]?["spec"]?["$setElementOrder/containers"] == nil)

        // A label change outside the spec is a write but not a new generation.
        let labelled = try store.patch(
            Self.daemonSets, namespace: "kube-system", name: "terway-eniip",
            patch: ["metadata": ["labels": ["team": "net"]]], strategic: false)
        #expect(labelled["metadata"]?["generation"] == 2)
        #expect(labelled["metadata"]?["resourceVersion"] != after["metadata"]?["resourceVersion"])
    }

    @Test("the Status body has the API server's shape")
    func statusShape() {
        let status = KubernetesAPIError.notFound(resource: "configmaps", group: "", name: "eni-config").status
        #expect(
            status == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": "configmaps \"eni-config\" not found", "reason": "NotFound",
                "details": ["name": "eni-config", "kind": "configmaps"], "code": 404,
            ])
        let policies = KubernetesAPIError.notFound(resource: "networkpolicies", group: "networking.k8s.io", name: "p")
        #expect(policies.message == "networkpolicies.networking.k8s.io \"p\" not found")
        #expect(policies.details?["group"] == "networking.k8s.io")
    }
}
