import Foundation

/// A kubeconfig file: named clusters, users and contexts, and the current context.
///
/// The model mirrors client-go's `clientcmd/api/v1` with the kebab-case keys of the file format. File paths are
/// already resolved against the kubeconfig's folder. Use ``resolve(context:)`` to get a ``KubernetesEndpoint``:
/// it validates the certificates and keys and fails with a ``KubeconfigError`` naming the context, cluster, user
/// or field that is wrong. Nothing here prints a key, a token or a password.
public struct Kubeconfig: Sendable, CustomStringConvertible {
    /// A `clusters[]` entry.
    public struct Cluster: Sendable, Hashable {
        public var name: String
        public var server: String?
        /// `certificate-authority`, resolved against the kubeconfig's folder.
        public var certificateAuthority: String?
        /// `certificate-authority-data`, base64 as written in the file.
        public var certificateAuthorityData: String?
        /// `insecure-skip-tls-verify`; `nil` when the key is absent (which means: verify).
        public var insecureSkipTLSVerify: Bool?
        public var tlsServerName: String?
        public var proxyURL: String?

        public init(
            name: String, server: String? = nil, certificateAuthority: String? = nil,
            certificateAuthorityData: String? = nil, insecureSkipTLSVerify: Bool? = nil, tlsServerName: String? = nil,
            proxyURL: String? = nil
        ) {
            self.name = name
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
            self.proxyURL = proxyURL
        }
    }

    /// A `users[]` entry. Its description names the fields that are set, never their values.
    public struct User: Sendable, Hashable, CustomStringConvertible {
        public var name: String
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?
        public var token: String?
        public var tokenFile: String?
        public var username: String?
        public var password: String?
        /// Whether the entry has an `exec` credential plug-in (not supported: ackguard never runs programs).
        public var hasExec: Bool
        /// Whether the entry has an `auth-provider` (not supported).
        public var hasAuthProvider: Bool

        public init(
            name: String, clientCertificate: String? = nil, clientCertificateData: String? = nil,
            clientKey: String? = nil, clientKeyData: String? = nil, token: String? = nil, tokenFile: String? = nil,
            username: String? = nil, password: String? = nil, hasExec: Bool = false, hasAuthProvider: Bool = false
        ) {
            self.name = name
            self.clientCertificate = clientCertificate
            self.clientCertificateData = clientCertificateData
            self.clientKey = clientKey
            self.clientKeyData = clientKeyData
            self.token = token
            self.tokenFile = tokenFile
            self.username = username
            self.password = password
            self.hasExec = hasExec
            self.hasAuthProvider = hasAuthProvider
        }

        public var description: String {
            var fields: [String] = []
            if clientCertificate != nil { fields.append("client-certificate") }
            if clientCertificateData != nil { fields.append("client-certificate-data") }
            if clientKey != nil { fields.append("client-key") }
            if clientKeyData != nil { fields.append("client-key-data") }
            if token != nil { fields.append("token") }
            if tokenFile != nil { fields.append("tokenFile") }
            if username != nil { fields.append("username") }
            if password != nil { fields.append("password") }
            if hasExec { fields.append("exec") }
            if hasAuthProvider { fields.append("auth-provider") }
            return "user \(name) (\(fields.isEmpty ? "no credentials" : fields.joined(separator: ", ")))"
        }
    }

    /// A `contexts[]` entry.
    public struct Context: Sendable, Hashable {
        public var name: String
        public var cluster: String
        public var user: String?
        public var namespace: String?

        public init(name: String, cluster: String, user: String? = nil, namespace: String? = nil) {
            self.name = name
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }

    public var clusters: [Cluster]
    public var users: [User]
    public var contexts: [Context]
    /// `current-context`, `nil` when absent or empty.
    public var currentContext: String?
    /// The file this kubeconfig was read from (`nil` when parsed from a string); used in error messages.
    public var source: String?

    public init(
        clusters: [Cluster], users: [User], contexts: [Context], currentContext: String?, source: String? = nil
    ) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
        self.source = source
    }

    /// The largest kubeconfig file ``load(path:)`` reads.
    public static let maximumFileSize = 4 << 20

    /// Reads and parses a kubeconfig file; relative paths inside it are resolved against its folder.
    public static func load(path: String) throws -> Kubeconfig {
        let text = try readTextFile(path: path, limit: maximumFileSize) { reason in
            KubeconfigError.unreadableFile(path: path, reason: reason)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, baseDirectory: folder, source: path)
    }

    /// Parses kubeconfig YAML (or JSON). Relative file paths are resolved against `baseDirectory` when given.
    public static func parse(yaml: String, baseDirectory: String?) throws -> Kubeconfig {
        try parse(yaml: yaml, baseDirectory: baseDirectory, source: nil)
    }

    public var description: String {
        let names = contexts.map(\.name).joined(separator: ", ")
        return "kubeconfig \(source ?? "<inline>") (contexts: \(names.isEmpty ? "none" : names); "
            + "current-context: \(currentContext ?? "none"))"
    }

    /// The names of the contexts, in file order.
    public var contextNames: [String] { contexts.map(\.name) }

    public func cluster(named name: String) -> Cluster? { clusters.first { $0.name == name } }
    public func user(named name: String) -> User? { users.first { $0.name == name } }
    public func context(named name: String) -> Context? { contexts.first { $0.name == name } }
}

/// Reads a small text file, failing (through `makeError`) when it is missing, larger than `limit` or not UTF-8.
func readTextFile(path: String, limit: Int, makeError: (String) -> any Error) throws -> String {
    let data = try readFile(path: path, limit: limit, makeError: makeError)
    guard let text = String(data: data, encoding: .utf8) else { throw makeError("not UTF-8 text") }
    return text
}

/// Reads a small file, failing (through `makeError`) when it is missing or larger than `limit`.
func readFile(path: String, limit: Int, makeError: (String) -> any Error) throws -> Data {
    let handle: FileHandle
    do {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
        let code = (error as NSError).code
        if code == NSFileReadNoSuchFileError || code == NSFileNoSuchFileError { throw makeError("no such file") }
        if code == NSFileReadNoPermissionError { throw makeError("permission denied") }
        throw makeError("cannot open (\((error as NSError).localizedDescription))")
    }
    defer {
        do {
            try handle.close()
        } catch {
            // Closing a file opened for reading cannot lose data.
        }
    }
    let data: Data
    do {
        data = try handle.read(upToCount: limit + 1) ?? Data()
    } catch {
        throw makeError("read failed (\((error as NSError).localizedDescription))")
    }
    if data.count > limit { throw makeError("larger than \(limit) bytes") }
    return data
}
