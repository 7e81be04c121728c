import ACKEmulator
import AsyncHTTPClient
import Audit
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@Suite("Emulated Kubernetes API server over HTTPS")
struct KubernetesServerTests {
    static let clusterId = "c5e5f0c2a1b7e4d3c9a8b7f6e5d4c3b2a"

    static let fleet = Fleet(
        clusters: [
            FleetCluster(
                detail: ["cluster_id": .string(clusterId), "name": "prod", "state": "running"],
                kubernetesObjects: [
                    [
                        "apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": ["name": "eni-config", "namespace": "kube-system"],
                        "data": ["disable_network_policy": "true", "eni_conf": "{}"],
                    ],
                    ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "cn-hangzhou.10.0.0.1"]],
                ],
                kubernetesReadStatuses: ["pods": 500])
        ],
        regions: ["cn-hangzhou"])

    /// A running server over a fresh `EmulatorState`, and an HTTP client for it.
    struct Harness {
        let state: EmulatorState
        let authority: EmulatorCertificateAuthority
        let server: KubernetesServer

        var base: String { "https://127.0.0.1:\(server.port)/clusters/\(KubernetesServerTests.clusterId)" }

        /// Sends a request with a client certificate for `clusterId` (none when `nil`); returns status and JSON.
        func send(
            _ method: HTTPMethod, _ path: String, body: String? = nil, contentType: String? = nil,
            certificateFor clusterId: String? = KubernetesServerTests.clusterId, url: String? = nil
        ) async throws -> (status: Int, json: JSONValue?) {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(authority.caCertificatePEM.utf8)))
            if let clusterId {
                let issued = try authority.issueClientCertificate(
                    clusterId: clusterId, userName: "tester", notValidBefore: Date() - 60,
                    notValidAfter: Date() + 600)
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map {
                    .certificate($0)
                }
                tls.privateKey = .privateKey(
                    try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem))
            }
            var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
            configuration.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            var request = HTTPClientRequest(url: url ?? (base + path))
            request.method = method
            if let body {
                request.body = .bytes(ByteBuffer(string: body))
                request.headers.add(name: "Content-Type", value: contentType ?? "application/json")
            }
            let outcome: Result<(Int, JSONValue?), any Error>
            do {
                let response = try await client.execute(request, timeout: .seconds(10))
                let bytes = try await response.body.collect(upTo: 1 << 20)
                let json = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))
                outcome = .success((Int(response.status.code), json))
            } catch {
                outcome = .failure(error)
            }
            try await client.shutdown()
            let (status, json) = try outcome.get()
            return (status, json)
        }
    }

    static func run(_ body: (Harness) async throws -> Void) async throws {
        let state = EmulatorState(fleet: fleet)
        let authority = try EmulatorCertificateAuthority()
        let server = try await KubernetesServer.start(state: state, authority: authority, host: "127.0.0.1", port: 0)
        do {
            try await body(Harness(state: state, authority: authority, server: server))
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test("GET of eni-config answers the object and counts the request")
    func getConfigMap() async throws {
        try await Self.run { harness in
            let (status, json) = try await harness.send(.GET, "/api/v1/namespaces/kube-system/configmaps/eni-config")
            #expect(status == 200)
            #expect(json?["kind"] == "ConfigMap")
            #expect(json?["data"]?["disable_network_policy"] == "true")
            #expect(await harness.state.requestCounts()["k8s:GET configmaps"] == 1)
        }
    }

    @Test("no client certificate, or one for another cluster, gets the 401 Status")
    func unauthorized() async throws {
        try await Self.run { harness in
            let expected: JSONValue = [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": "Unauthorized",
                "reason": "Unauthorized", "code": 401,
            ]
            let anonymous = try await harness.send(.GET, "/api/v1/nodes", certificateFor: nil)
            #expect(anonymous.status == 401)
            #expect(anonymous.json == expected)
            let foreign = try await harness.send(.GET, "/api/v1/nodes", certificateFor: "c-someone-else")
            #expect(foreign.status == 401)
            #expect(foreign.json == expected)
        }
    }

    @Test("a missing object gets the 404 Status exactly as the API server sends it")
    func notFound() async throws {
        try await Self.run { harness in
            let (status, json) = try await harness.send(.GET, "/api/v1/namespaces/kube-system/configmaps/absent")
            #expect(status == 404)
            #expect(
                json == [
                    "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                    "message": "configmaps \"absent\" not found", "reason": "NotFound",
                    "details": ["name": "absent", "kind": "configmaps"], "code": 404,
                ])
            let unknown = try await harness.send(.GET, "/api/v1/secrets")
            #expect(unknown.status == 404)
            #expect(unknown.json?["message"] == "the server could not find the requested resource")
        }
    }

    @Test("PATCH needs a merge-patch or strategic-merge-patch content type")
    func patchContentTypes() async throws {
        try await Self.run { harness in
            let path = "/api/v1/namespaces/kube-system/configmaps/eni-config"
            let patch = #"{"data":{"disable_network_policy":"false"}}"#
            let plain = try await harness.send(.PATCH, path, body: patch, contentType: "application/json")
            #expect(plain.status == 415)
            #expect(plain.json?["reason"] == "UnsupportedMediaType")
            let merged = try await harness.send(
                .PATCH, path, body: patch, contentType: "application/merge-patch+json; charset=utf-8")
            #expect(merged.status == 200)
            #expect(merged.json?["data"] == ["disable_network_policy": "false", "eni_conf": "{}"])
            let broken = try await harness.send(
                .PATCH, path, body: "{not json", contentType: "application/merge-patch+json")
            #expect(broken.status == 400)
            #expect(broken.json?["reason"] == "BadRequest")
            #expect(await harness.state.requestCounts()["k8s:PATCH configmaps"] == 3)
        }
    }

    @Test("a read status saved with the cluster is answered as that Status")
    func injectedReadStatus() async throws {
        try await Self.run { harness in
            let (status, json) = try await harness.send(.GET, "/api/v1/pods?limit=500")
            #expect(status == 500)
            #expect(json?["kind"] == "Status")
            #expect(json?["reason"] == "InternalError")
            let nodes = try await harness.send(.GET, "/api/v1/nodes?limit=500")
            #expect(nodes.status == 200)
            #expect(nodes.json?["kind"] == "NodeList")
            #expect(nodes.json?["items"]?.arrayValue?.count == 1)
        }
    }

    @Test("a cluster that does not exist gets its connection closed")
    func unknownCluster() async throws {
        try await Self.run { harness in
            await #expect(throws: (any Error).self) {
                _ = try await harness.send(
                    .GET, "", certificateFor: "c-gone",
                    url: "https://127.0.0.1:\(harness.server.port)/clusters/c-gone/api/v1/nodes")
            }
            #expect(await harness.state.requestCounts()["k8s:GET nodes"] == 1)
        }
    }

    @Test("the server's certificate is valid for 127.0.0.1 and localhost")
    func localhost() async throws {
        try await Self.run { harness in
            let (status, json) = try await harness.send(
                .GET, "", url: "https://localhost:\(harness.server.port)/clusters/\(Self.clusterId)/version")
            #expect(status == 200)
            #expect(json?["major"] == "1")
        }
    }
}
