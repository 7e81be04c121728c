public import Foundation

/// Everything needed to talk to one Kubernetes API server: where, whom to trust, and how to authenticate.
///
/// Its description names the server, the context and the kind of credential, never a key or a token.
public struct KubernetesEndpoint: Sendable, CustomStringConvertible {
    /// Which certificates the server's certificate must chain to.
    public enum Trust: Sendable, Hashable {
        /// The operating system's trust store (no CA given in the kubeconfig).
        case systemRoots
        /// Only the CA certificate(s) in this PEM (`certificate-authority(-data)`).
        case certificateAuthority(pem: [UInt8])
        /// `insecure-skip-tls-verify: true`: the server certificate is not checked at all.
        case insecureSkipVerify
    }

    /// A client certificate chain and its private key, both PEM.
    public struct ClientCertificate: Sendable, Hashable, CustomStringConvertible {
        public var certificatePEM: [UInt8]
        public var privateKeyPEM: [UInt8]

        public init(certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
        }

        public var description: String { "client certificate (key redacted)" }
    }

    /// A credential sent in the `Authorization` header.
    public enum Credential: Sendable, Hashable, CustomStringConvertible {
        /// A bearer token (`token`).
        case bearerToken(String)
        /// A file holding a bearer token (`tokenFile`), read before every request (projected tokens rotate).
        case tokenFile(path: String)
        /// HTTP basic authentication (`username`/`password`).
        case basic(username: String, password: String)

        public var description: String {
            switch self {
            case .bearerToken: return "bearer token (redacted)"
            case .tokenFile(let path): return "bearer token from \(path)"
            case .basic(let username, _): return "basic authentication as \(username) (password redacted)"
            }
        }
    }

    /// The API server URL, possibly with a path prefix (`https://host:6443/clusters/c1`).
    public var server: URL
    public var trust: Trust
    public var clientCertificate: ClientCertificate?
    public var credential: Credential?
    /// The kubeconfig context, cluster and user this endpoint came from (for messages).
    public var contextName: String?
    public var clusterName: String?
    public var userName: String?
    /// The context's default namespace.
    public var namespace: String?

    public init(
        server: URL, trust: Trust, clientCertificate: ClientCertificate? = nil, credential: Credential? = nil,
        contextName: String? = nil, clusterName: String? = nil, userName: String? = nil, namespace: String? = nil
    ) {
        self.server = server
        self.trust = trust
        self.clientCertificate = clientCertificate
        self.credential = credential
        self.contextName = contextName
        self.clusterName = clusterName
        self.userName = userName
        self.namespace = namespace
    }

    public var description: String {
        var parts = ["server \(server.absoluteString)"]
        if let contextName { parts.append("context \(contextName)") }
        switch trust {
        case .systemRoots: parts.append("trust: system roots")
        case .certificateAuthority: parts.append("trust: kubeconfig CA")
        case .insecureSkipVerify: parts.append("trust: NONE (insecure-skip-tls-verify)")
        }
        if let clientCertificate { parts.append(clientCertificate.description) }
        if let credential { parts.append(credential.description) }
        if clientCertificate == nil && credential == nil { parts.append("anonymous") }
        return "Kubernetes endpoint " + parts.joined(separator: ", ")
    }
}
