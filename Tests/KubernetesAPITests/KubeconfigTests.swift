import ACKEmulator
import Foundation
import KubernetesAPI
import TestSupport
import Testing

@Suite("Kubeconfig parsing and resolution")
struct KubeconfigTests {
    static let secretToken = "s3cr3t-token-value-0123456789"

    @Test("inline certificate data resolves to the CA, client certificate and key")
    func inlineData() throws {
        let authority = try EmulatorCertificateAuthority()
        let issued = try authority.issueClientCertificate(
            clusterId: "c1", userName: "alice", notValidBefore: Date(), notValidAfter: Date().addingTimeInterval(600))
        let yaml = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: \(base64(authority.caCertificatePEM))
            users:
            - name: alice
              user:
                client-certificate-data: \(base64(issued.certificatePEM))
                client-key-data: \(base64(issued.privateKeyPEM))
            contexts:
            - name: alice@prod
              context: {cluster: prod, user: alice, namespace: kube-system}
            current-context: alice@prod
            """
        let config = try Kubeconfig.parse(yaml: yaml, baseDirectory: nil)
        let endpoint = try config.resolve(context: nil)
        #expect(endpoint.server.absoluteString == "https://10.0.0.1:6443")
        #expect(endpoint.trust == .certificateAuthority(pem: Array(authority.caCertificatePEM.utf8)))
        #expect(endpoint.clientCertificate?.certificatePEM == Array(issued.certificatePEM.utf8))
        #expect(endpoint.clientCertificate?.privateKeyPEM == Array(issued.privateKeyPEM.utf8))
        #expect(endpoint.credential == nil)
        #expect(endpoint.contextName == "alice@prod")
        #expect(endpoint.namespace == "kube-system")
        #expect(!endpoint.description.contains("PRIVATE"))
        #expect(!String(describing: endpoint.clientCertificate as Any).contains("PRIVATE"))
    }

    @Test("file paths are relative to the kubeconfig's folder")
    func relativePaths() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-k8s-tests")
        defer { folder.remove() }
        let authority = try EmulatorCertificateAuthority()
        let issued = try authority.issueClientCertificate(
            clusterId: "c1", userName: "bob", notValidBefore: Date(), notValidAfter: Date().addingTimeInterval(600))
        try folder.write("certs/ca.crt", authority.caCertificatePEM)
        try folder.write("certs/bob.crt", issued.certificatePEM)
        try folder.write("bob.key", issued.privateKeyPEM)
        try folder.write("token", Self.secretToken + "\n")
        let path = try folder.write(
            "config/kubeconfig",
            """
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:6443/clusters/c1", certificate-authority: ../certs/ca.crt}
            users:
            - name: bob
              user: {client-certificate: ../certs/bob.crt, client-key: ../bob.key}
            - name: robot
              user: {tokenFile: ../token}
            contexts:
            - name: bob
              context: {cluster: c, user: bob}
            - name: robot
              context: {cluster: c, user: robot}
            current-context: bob
            """)
        let config = try Kubeconfig.load(path: path)
        #expect(config.cluster(named: "c")?.certificateAuthority == folder.path("certs/ca.crt"))
        let endpoint = try config.resolve(context: nil)
        #expect(endpoint.server.path == "/clusters/c1")
        #expect(endpoint.trust == .certificateAuthority(pem: Array(authority.caCertificatePEM.utf8)))
        #expect(endpoint.clientCertificate?.privateKeyPEM == Array(issued.privateKeyPEM.utf8))
        let robot = try config.resolve(context: "robot")
        #expect(robot.credential == .tokenFile(path: folder.path("token")))
        #expect(robot.clientCertificate == nil)
        #expect(!robot.description.contains(Self.secretToken))
    }

    @Test("a missing referenced file names the user, the field and the path")
    func missingReferencedFile() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-k8s-tests")
        defer { folder.remove() }
        let path = try folder.write(
            "kubeconfig",
            """
            clusters: [{name: c, cluster: {server: "https://k8s.example:6443"}}]
            users: [{name: u, user: {client-certificate: u.crt, client-key: u.key}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """)
        let config = try Kubeconfig.load(path: path)
        let error = try #require(throws: KubeconfigError.self) { try config.resolve(context: nil) }
        #expect(
            error
                == .unreadableReferencedFile(
                    file: path, owner: "user u", field: "client-certificate", path: folder.path("u.crt"),
                    reason: "no such file"))
    }

    @Test("a bearer token resolves, and no description shows it")
    func token() throws {
        let yaml = """
            clusters: [{name: c, cluster: {server: "https://k8s.example:6443"}}]
            users: [{name: u, user: {token: \(Self.secretToken)}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """
        let config = try Kubeconfig.parse(yaml: yaml, baseDirectory: "/nowhere")
        let endpoint = try config.resolve(context: "x")
        #expect(endpoint.credential == .bearerToken(Self.secretToken))
        #expect(endpoint.trust == .systemRoots)
        #expect(!endpoint.description.contains(Self.secretToken))
        #expect(!config.description.contains(Self.secretToken))
        #expect(!String(describing: config.users).contains(Self.secretToken))
    }

    @Test("the current context is used unless another is asked for")
    func contexts() throws {
        let yaml = """
            clusters:
            - {name: one, cluster: {server: "https://one.example"}}
            - {name: two, cluster: {server: "https://two.example"}}
            contexts:
            - {name: first, context: {cluster: one}}
            - {name: second, context: {cluster: two}}
            current-context: second
            """
        let config = try Kubeconfig.parse(yaml: yaml, baseDirectory: nil)
        #expect(config.contextNames == ["first", "second"])
        #expect(try config.resolve(context: nil).server.host == "two.example")
        #expect(try config.resolve(context: "first").server.host == "one.example")
        #expect(try config.resolve(context: "first").clientCertificate == nil)
    }

    @Test("missing context, cluster, user and current-context are specific errors")
    func missingReferences() throws {
        let yaml = """
            clusters: [{name: c, cluster: {server: "https://k8s.example"}}]
            users: [{name: u, user: {token: abc}}]
            contexts:
            - {name: good, context: {cluster: c, user: u}}
            - {name: no-cluster, context: {cluster: gone, user: u}}
            - {name: no-user, context: {cluster: c, user: nobody}}
            """
        let config = try Kubeconfig.parse(yaml: yaml, baseDirectory: nil)
        let file = "<inline kubeconfig>"
        #expect(throws: KubeconfigError.noCurrentContext(file: file, available: ["good", "no-cluster", "no-user"])) {
            try config.resolve(context: nil)
        }
        #expect(
            throws: KubeconfigError.contextNotFound(
                file: file, context: "absent", available: ["good", "no-cluster", "no-user"])
        ) { try config.resolve(context: "absent") }
        #expect(throws: KubeconfigError.clusterNotFound(file: file, context: "no-cluster", cluster: "gone")) {
            try config.resolve(context: "no-cluster")
        }
        #expect(throws: KubeconfigError.userNotFound(file: file, context: "no-user", user: "nobody")) {
            try config.resolve(context: "no-user")
        }
        let error = KubeconfigError.userNotFound(file: file, context: "no-user", user: "nobody")
        #expect(error.description.contains("no-user") && error.description.contains("nobody"))
    }

    @Test("insecure-skip-tls-verify: absent or false verifies, only true skips")
    func insecureSkipVerify() throws {
        func trust(_ line: String) throws -> KubernetesEndpoint.Trust {
            let yaml = """
                clusters:
                - name: c
                  cluster:
                    server: "https://k8s.example"
                    \(line)
                contexts: [{name: x, context: {cluster: c}}]
                current-context: x
                """
            return try Kubeconfig.parse(yaml: yaml, baseDirectory: nil).resolve(context: nil).trust
        }
        #expect(try trust("") == .systemRoots)
        #expect(try trust("insecure-skip-tls-verify: false") == .systemRoots)
        #expect(try trust("insecure-skip-tls-verify: true") == .insecureSkipVerify)
        #expect(throws: KubeconfigError.self) { try trust("insecure-skip-tls-verify: \"maybe\"") }
    }

    @Test("a CA combined with insecure-skip-tls-verify is refused, as client-go does")
    func caWithInsecure() throws {
        let authority = try EmulatorCertificateAuthority()
        let yaml = """
            clusters:
            - name: c
              cluster:
                server: "https://k8s.example"
                insecure-skip-tls-verify: true
                certificate-authority-data: \(base64(authority.caCertificatePEM))
            contexts: [{name: x, context: {cluster: c}}]
            current-context: x
            """
        let config = try Kubeconfig.parse(yaml: yaml, baseDirectory: nil)
        #expect(throws: KubeconfigError.self) { try config.resolve(context: nil) }
    }

    @Test("unusable servers, certificates and plug-ins are refused with the field named")
    func invalidFields() throws {
        func resolve(cluster: String, user: String) throws -> KubernetesEndpoint {
            let yaml = """
                clusters: [{name: c, cluster: \(cluster)}]
                users: [{name: u, user: \(user)}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """
            return try Kubeconfig.parse(yaml: yaml, baseDirectory: nil).resolve(context: nil)
        }
        let file = "<inline kubeconfig>"
        #expect(
            throws: KubeconfigError.invalidServer(
                file: file, cluster: "c", reason: "http:// is not allowed, only https://")
        ) { try resolve(cluster: "{server: \"http://k8s.example\"}", user: "{token: t}") }
        #expect(throws: KubeconfigError.invalidServer(file: file, cluster: "c", reason: "missing")) {
            try resolve(cluster: "{}", user: "{token: t}")
        }
        #expect(
            throws: KubeconfigError.invalidCredentialField(
                file: file, owner: "cluster c", field: "certificate-authority-data", reason: "not a PEM certificate")
        ) {
            try resolve(
                cluster: "{server: \"https://k\", certificate-authority-data: \(base64("not a certificate"))}",
                user: "{token: t}")
        }
        #expect(
            throws: KubeconfigError.invalidCredentialField(
                file: file, owner: "user u", field: "client-certificate-data",
                reason: "given without client-key(-data)")
        ) {
            try resolve(cluster: "{server: \"https://k\"}", user: "{client-certificate-data: \(base64("x"))}")
        }
        #expect(throws: KubeconfigError.self) {
            try resolve(cluster: "{server: \"https://k\"}", user: "{exec: {command: aliyun}}")
        }
    }

    @Test("YAML errors give the position without quoting the line")
    func yamlErrorsDoNotQuote() throws {
        let yaml = "users:\n- name: u\n  user: {token: \(Self.secretToken)\n: : ]"
        let error = try #require(throws: KubeconfigError.self) { try Kubeconfig.parse(yaml: yaml, baseDirectory: nil) }
        guard case .invalidYAML = error else {
            Issue.record("expected invalidYAML, got \(error)")
            return
        }
        #expect(!error.description.contains(Self.secretToken))
        #expect(error.description.contains("line"))
    }

    @Test("a field of the wrong type is named by its path")
    func wrongType() throws {
        let error = try #require(throws: KubeconfigError.self) {
            try Kubeconfig.parse(yaml: "clusters: [{name: c, cluster: {server: [1, 2]}}]", baseDirectory: nil)
        }
        guard case .invalidField(_, let field, _) = error else {
            Issue.record("expected invalidField, got \(error)")
            return
        }
        #expect(field == "clusters.[0].cluster.server")
    }

    @Test("load names the file that cannot be read")
    func unreadable() throws {
        let folder = try TemporaryFolder(prefix: "ackguard-k8s-tests")
        defer { folder.remove() }
        let path = folder.path("absent")
        #expect(throws: KubeconfigError.unreadableFile(path: path, reason: "no such file")) {
            try Kubeconfig.load(path: path)
        }
    }
}

func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
