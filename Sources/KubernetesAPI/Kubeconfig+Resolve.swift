import Foundation
import NIOSSL

extension Kubeconfig {
    /// The largest certificate, key or token file read through a kubeconfig.
    static let maximumReferencedFileSize = 1 << 20

    /// The endpoint of `context` (or of `current-context` when `nil`), with its certificates and keys loaded and
    /// checked. Fails closed: TLS verification is off only when `insecure-skip-tls-verify` is present and `true`.
    public func resolve(context requested: String?) throws -> KubernetesEndpoint {
        let file = source ?? "<inline kubeconfig>"
        guard let contextName = requested ?? currentContext else {
            throw KubeconfigError.noCurrentContext(file: file, available: contextNames)
        }
        guard let context = context(named: contextName) else {
            throw KubeconfigError.contextNotFound(file: file, context: contextName, available: contextNames)
        }
        guard let cluster = cluster(named: context.cluster) else {
            throw KubeconfigError.clusterNotFound(file: file, context: contextName, cluster: context.cluster)
        }
        var user: User?
        if let userName = context.user {
            guard let found = self.user(named: userName) else {
                throw KubeconfigError.userNotFound(file: file, context: contextName, user: userName)
            }
            user = found
        }

        let server = try Self.server(of: cluster, file: file)
        let trust = try Self.trust(of: cluster, file: file)
        var clientCertificate: KubernetesEndpoint.ClientCertificate?
        var credential: KubernetesEndpoint.Credential?
        if let user {
            clientCertificate = try Self.clientCertificate(of: user, file: file)
            credential = try Self.credential(of: user, file: file)
            if clientCertificate == nil && credential == nil && (user.hasExec || user.hasAuthProvider) {
                throw KubeconfigError.unsupported(
                    file: file, owner: "user \(user.name)", field: user.hasExec ? "exec" : "auth-provider",
                    reason: "ackguard does not run credential plug-ins; use a kubeconfig with a client "
                        + "certificate or a token (for ACK: DescribeClusterUserKubeconfig)")
            }
        }
        return KubernetesEndpoint(
            server: server, trust: trust, clientCertificate: clientCertificate, credential: credential,
            contextName: contextName, clusterName: cluster.name, userName: user?.name, namespace: context.namespace)
    }

    private static func server(of cluster: Cluster, file: String) throws -> URL {
        guard let text = cluster.server, !text.isEmpty else {
            throw KubeconfigError.invalidServer(file: file, cluster: cluster.name, reason: "missing")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else {
            throw KubeconfigError.invalidServer(file: file, cluster: cluster.name, reason: "not a URL: \(text)")
        }
        guard scheme == "https" else {
            throw KubeconfigError.invalidServer(
                file: file, cluster: cluster.name, reason: "\(scheme):// is not allowed, only https://")
        }
        guard url.query == nil, url.fragment == nil, url.user == nil else {
            throw KubeconfigError.invalidServer(
                file: file, cluster: cluster.name, reason: "must not carry a query, fragment or user info")
        }
        if cluster.proxyURL != nil {
            throw KubeconfigError.unsupported(
                file: file, owner: "cluster \(cluster.name)", field: "proxy-url", reason: "proxies are not supported")
        }
        if cluster.tlsServerName != nil {
            throw KubeconfigError.unsupported(
                file: file, owner: "cluster \(cluster.name)", field: "tls-server-name",
                reason: "the certificate is checked against the server URL's host only")
        }
        return url
    }

    private static func trust(of cluster: Cluster, file: String) throws -> KubernetesEndpoint.Trust {
        let owner = "cluster \(cluster.name)"
        var pem: [UInt8]?
        if let data = cluster.certificateAuthorityData {
            pem = try decodeBase64(data, file: file, owner: owner, field: "certificate-authority-data")
        } else if let path = cluster.certificateAuthority {
            pem = try readReferenced(path, file: file, owner: owner, field: "certificate-authority")
        }
        if cluster.insecureSkipTLSVerify == true {
            if pem != nil {
                throw KubeconfigError.conflictingFields(
                    file: file, owner: owner, fields: ["insecure-skip-tls-verify", "certificate-authority(-data)"],
                    reason: "a CA cannot be combined with skipping verification")
            }
            return .insecureSkipVerify
        }
        guard let pem else { return .systemRoots }
        let field = cluster.certificateAuthorityData != nil ? "certificate-authority-data" : "certificate-authority"
        guard Self.isPEMCertificate(pem) else {
            throw KubeconfigError.invalidCredentialField(
                file: file, owner: owner, field: field, reason: "not a PEM certificate")
        }
        return .certificateAuthority(pem: pem)
    }

    private static func clientCertificate(of user: User, file: String) throws -> KubernetesEndpoint.ClientCertificate? {
        let owner = "user \(user.name)"
        var certificate: (pem: [UInt8], field: String)?
        if let data = user.clientCertificateData {
            certificate = (
                try decodeBase64(data, file: file, owner: owner, field: "client-certificate-data"),
                "client-certificate-data"
            )
        } else if let path = user.clientCertificate {
            certificate = (
                try readReferenced(path, file: file, owner: owner, field: "client-certificate"),
                "client-certificate"
            )
        }
        var key: (pem: [UInt8], field: String)?
        if let data = user.clientKeyData {
            key = (try decodeBase64(data, file: file, owner: owner, field: "client-key-data"), "client-key-data")
        } else if let path = user.clientKey {
            key = (try readReferenced(path, file: file, owner: owner, field: "client-key"), "client-key")
        }
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (.some(let certificate), nil):
            throw KubeconfigError.invalidCredentialField(
                file: file, owner: owner, field: certificate.field, reason: "given without client-key(-data)")
        case (nil, .some(let key)):
            throw KubeconfigError.invalidCredentialField(
                file: file, owner: owner, field: key.field, reason: "given without client-certificate(-data)")
        case (.some(let certificate), .some(let key)):
            guard Self.isPEMCertificate(certificate.pem) else {
                throw KubeconfigError.invalidCredentialField(
                    file: file, owner: owner, field: certificate.field, reason: "not a PEM certificate")
            }
            do {
                _ = try NIOSSLPrivateKey(bytes: key.pem, format: .pem)
            } catch {
                throw KubeconfigError.invalidCredentialField(
                    file: file, owner: owner, field: key.field, reason: "not a PEM private key (or encrypted)")
            }
            return .init(certificatePEM: certificate.pem, privateKeyPEM: key.pem)
        }
    }

    private static func credential(of user: User, file: String) throws -> KubernetesEndpoint.Credential? {
        let owner = "user \(user.name)"
        if let token = user.token {
            guard KubernetesClient.isValidToken(token) else {
                throw KubeconfigError.invalidCredentialField(
                    file: file, owner: owner, field: "token", reason: "contains a line break or control character")
            }
            return .bearerToken(token)
        }
        if let path = user.tokenFile {
            // Checked now so that a bad path fails at start-up; read again before every request.
            _ = try KubernetesClient.readToken(path: path) { reason in
                KubeconfigError.unreadableReferencedFile(
                    file: file, owner: owner, field: "tokenFile", path: path, reason: reason)
            }
            return .tokenFile(path: path)
        }
        if let username = user.username {
            guard let password = user.password else {
                throw KubeconfigError.invalidCredentialField(
                    file: file, owner: owner, field: "username", reason: "given without password")
            }
            return .basic(username: username, password: password)
        }
        if user.password != nil {
            throw KubeconfigError.invalidCredentialField(
                file: file, owner: owner, field: "password", reason: "given without username")
        }
        return nil
    }

    /// Whether `pem` holds at least one certificate NIOSSL can load (the parse error itself is not kept: the
    /// caller names the field).
    private static func isPEMCertificate(_ pem: [UInt8]) -> Bool {
        do {
            return try !NIOSSLCertificate.fromPEMBytes(pem).isEmpty
        } catch {
            return false
        }
    }

    private static func decodeBase64(_ text: String, file: String, owner: String, field: String) throws -> [UInt8] {
        // ASCII whitespace (line breaks of a wrapped value) is dropped byte by byte: a certificate is kilobytes, and
        // Character.isWhitespace would look up every character's Unicode properties.
        let compact = Data(text.utf8.filter { !(0x09...0x0D).contains($0) && $0 != 0x20 })
        guard let data = Data(base64Encoded: compact), !data.isEmpty else {
            throw KubeconfigError.invalidCredentialField(file: file, owner: owner, field: field, reason: "not base64")
        }
        return Array(data)
    }

    private static func readReferenced(_ path: String, file: String, owner: String, field: String) throws -> [UInt8] {
        let data = try readFile(path: path, limit: maximumReferencedFileSize) { reason in
            KubeconfigError.unreadableReferencedFile(file: file, owner: owner, field: field, path: path, reason: reason)
        }
        return Array(data)
    }
}
