import ACKEmulator
import Audit
import Foundation
import KubernetesAPI
import TestSupport

/// The emulator's Kubernetes API server on an ephemeral loopback port, over a ``FakeKubernetesBackend``.
struct EmulatedCluster {
    static let clusterId = "c0123456789abcdef"

    let authority: EmulatorCertificateAuthority
    let backend: FakeKubernetesBackend
    let server: KubernetesServer

    var baseURL: String { "https://127.0.0.1:\(server.port)/clusters/\(Self.clusterId)" }

    /// Runs `body` against a fresh server holding `objects` (default: the kube-system ConfigMap `eni-config`).
    static func run<T: Sendable>(
        objects: [JSONValue] = [EmulatedCluster.eniConfig], certificateForAnotherHost: Bool = false,
        _ body: (EmulatedCluster) async throws -> T
    ) async throws -> T {
        let authority = try EmulatorCertificateAuthority()
        let backend = FakeKubernetesBackend()
        await backend.addCluster(clusterId, objects: objects)
        // A certificate from the right CA, but for names other than 127.0.0.1.
        let otherHost =
            certificateForAnotherHost
            ? try authority.issueServerCertificate(
                dnsNames: ["api.other.example"], ipAddresses: [[10, 9, 8, 7]], notValidBefore: Date() - 60,
                notValidAfter: Date() + 3_600) : nil
        let server = try await KubernetesServer.start(
            backend: backend, authority: authority, host: "127.0.0.1", port: 0, serverCertificate: otherHost)
        let cluster = EmulatedCluster(authority: authority, backend: backend, server: server)
        return try await withCleanup {
            try await body(cluster)
        } cleanup: {
            await server.stop()
        }
    }

    /// The kubeconfig the emulator would hand out for the cluster.
    func kubeconfig(userName: String = "272848211234567890", expiration: Date = Date() + 3_600) throws -> String {
        try EmulatorKubeconfig.make(
            clusterId: Self.clusterId, clusterName: "prod", server: baseURL, authority: authority, userName: userName,
            expiration: expiration)
    }

    func endpoint() throws -> KubernetesEndpoint {
        try Kubeconfig.parse(yaml: kubeconfig(), baseDirectory: nil).resolve(context: nil)
    }

    /// Terway's `eni-config`, with values whose exact bytes must survive a patch of another key.
    static let tenTerwayConf =
        #"{"cniVersion":"0.4.0","name":"terway","capabilities":{"bandwidth":true},"#
        + #""eniip_virtual_type":"datapathv2",  "host_stack_cidrs":["169.254.20.10/32"],"cilium_args":"","#
        + #""type":"terway"}"#
    static let eniConf =
        "{\n  \"version\": \"1\",\n  \"max_pool_size\": 5,\n  \"vswitches\": {\"cn-hangzhou-k\":[\"vsw-1\"]},\n"
        + "  \"security_group\": \"sg-1\", \"note\": \"caf\u{E9} \u{2603} \\u00e9 <&>\"\n}"
    static let eniConfig: JSONValue = [
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": ["name": "eni-config", "namespace": "kube-system", "resourceVersion": "1201"],
        "data": [
            "10-terway.conf": .string(tenTerwayConf), "disable_network_policy": "true",
            "eni_conf": .string(eniConf), "in_cluster_loadbalance": "true",
        ],
    ]

    static func namespace(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)], "status": ["phase": "Active"]]
    }

    static let terwayDaemonSet: JSONValue = [
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": ["name": "terway-eniip", "namespace": "kube-system", "generation": 3],
        "spec": [
            "selector": ["matchLabels": ["app": "terway-eniip"]],
            "template": [
                "metadata": ["labels": ["app": "terway-eniip"]],
                "spec": [
                    "containers": [["name": "terway", "image": "terway:v1"], ["name": "policy", "image": "p:v1"]]
                ],
            ],
        ],
        "status": [
            "desiredNumberScheduled": 4, "currentNumberScheduled": 4, "updatedNumberScheduled": 4,
            "numberAvailable": 4, "numberReady": 4, "observedGeneration": 3,
        ],
    ]
}
