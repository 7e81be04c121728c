import Foundation
import Yams

extension Kubeconfig {
    static func parse(yaml: String, baseDirectory: String?, source: String?) throws -> Kubeconfig {
        let file = source ?? "<inline kubeconfig>"
        let document: KubeconfigDocument
        do {
            guard let decoded = try YAMLDecoder().decode(KubeconfigDocument?.self, from: yaml) else {
                throw KubeconfigError.invalidYAML(file: file, reason: "the document is empty")
            }
            document = decoded
        } catch let error as KubeconfigError {
            throw error
        } catch let error as YamlError {
            throw KubeconfigError.invalidYAML(file: file, reason: Self.describe(error))
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
            // Yams reports syntax errors met while decoding as corrupted data wrapping the YamlError.
            let reason = (context.underlyingError as? YamlError).map(Self.describe) ?? "not valid YAML"
            throw KubeconfigError.invalidYAML(file: file, reason: reason)
        } catch let error as DecodingError {
            throw KubeconfigError.invalidField(file: file, field: Self.path(of: error), reason: Self.describe(error))
        }

        func resolved(_ path: String?) -> String? {
            guard let path, !path.isEmpty else { return nil }
            if path.hasPrefix("/") { return path }
            guard let baseDirectory else { return path }
            return URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
        }

        var seen = Set<String>()
        var clusters: [Cluster] = []
        for (index, entry) in (document.clusters ?? []).enumerated() {
            guard let name = entry.name, !name.isEmpty else {
                throw KubeconfigError.invalidField(file: file, field: "clusters[\(index)].name", reason: "missing")
            }
            guard seen.insert("cluster/" + name).inserted else {
                throw KubeconfigError.duplicateName(file: file, kind: "cluster", name: name)
            }
            let fields = entry.cluster
            clusters.append(
                Cluster(
                    name: name, server: fields?.server, certificateAuthority: resolved(fields?.certificateAuthority),
                    certificateAuthorityData: fields?.certificateAuthorityData.flatMap { $0.isEmpty ? nil : $0 },
                    insecureSkipTLSVerify: fields?.insecureSkipTLSVerify, tlsServerName: fields?.tlsServerName,
                    proxyURL: fields?.proxyURL))
        }
        var users: [User] = []
        for (index, entry) in (document.users ?? []).enumerated() {
            guard let name = entry.name, !name.isEmpty else {
                throw KubeconfigError.invalidField(file: file, field: "users[\(index)].name", reason: "missing")
            }
            guard seen.insert("user/" + name).inserted else {
                throw KubeconfigError.duplicateName(file: file, kind: "user", name: name)
            }
            let fields = entry.user
            func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
            users.append(
                User(
                    name: name, clientCertificate: resolved(fields?.clientCertificate),
                    clientCertificateData: nonEmpty(fields?.clientCertificateData),
                    clientKey: resolved(fields?.clientKey), clientKeyData: nonEmpty(fields?.clientKeyData),
                    token: nonEmpty(fields?.token), tokenFile: resolved(fields?.tokenFile),
                    username: nonEmpty(fields?.username), password: nonEmpty(fields?.password),
                    hasExec: fields?.hasExec ?? false, hasAuthProvider: fields?.hasAuthProvider ?? false))
        }
        var contexts: [Context] = []
        for (index, entry) in (document.contexts ?? []).enumerated() {
            guard let name = entry.name, !name.isEmpty else {
                throw KubeconfigError.invalidField(file: file, field: "contexts[\(index)].name", reason: "missing")
            }
            guard seen.insert("context/" + name).inserted else {
                throw KubeconfigError.duplicateName(file: file, kind: "context", name: name)
            }
            guard let cluster = entry.context?.cluster, !cluster.isEmpty else {
                throw KubeconfigError.invalidField(
                    file: file, field: "contexts[\(name)].context.cluster", reason: "missing")
            }
            let user = entry.context?.user.flatMap { $0.isEmpty ? nil : $0 }
            let namespace = entry.context?.namespace.flatMap { $0.isEmpty ? nil : $0 }
            contexts.append(Context(name: name, cluster: cluster, user: user, namespace: namespace))
        }
        let current = document.currentContext.flatMap { $0.isEmpty ? nil : $0 }
        return Kubeconfig(clusters: clusters, users: users, contexts: contexts, currentContext: current, source: source)
    }

    /// A Yams error reduced to its problem and position: the library's own description quotes the offending line,
    /// which may hold a key or a token.
    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case .reader(let problem, let offset, _, _):
            return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "duplicated keys \(duplicates.joined(separator: ", ")) at line \(context.mark.line)"
        case .dataCouldNotBeDecoded: return "not UTF-8 text"
        default: return "not valid YAML"
        }
    }

    private static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let value), .valueNotFound(_, let value), .dataCorrupted(let value):
            context = value
        case .keyNotFound(let key, let value):
            return (value.codingPath + [key]).map(pathComponent).joined(separator: ".")
        @unknown default:
            return "<document>"
        }
        let path = context.codingPath.map(pathComponent).joined(separator: ".")
        return path.isEmpty ? "<document>" : path
    }

    private static func pathComponent(_ key: any CodingKey) -> String {
        if let index = key.intValue { return "[\(index)]" }
        return key.stringValue
    }

    /// The kind of decoding problem, without the decoder's debug text (which can quote values).
    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, _): return "expected \(type)"
        case .valueNotFound(let type, _): return "expected \(type), found null"
        case .keyNotFound: return "missing"
        case .dataCorrupted: return "malformed value"
        @unknown default: return "malformed value"
        }
    }
}

/// The file as written; everything optional so that errors can name the missing field themselves.
private struct KubeconfigDocument: Decodable {
    var clusters: [NamedCluster]?
    var users: [NamedUser]?
    var contexts: [NamedContext]?
    var currentContext: String?

    enum CodingKeys: String, CodingKey {
        case clusters, users, contexts
        case currentContext = "current-context"
    }

    struct NamedCluster: Decodable {
        var name: String?
        var cluster: ClusterFields?
    }

    struct ClusterFields: Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?
        var proxyURL: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
            case proxyURL = "proxy-url"
        }
    }

    struct NamedUser: Decodable {
        var name: String?
        var user: UserFields?
    }

    struct UserFields: Decodable {
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var token: String?
        var tokenFile: String?
        var username: String?
        var password: String?
        var hasExec: Bool
        var hasAuthProvider: Bool

        enum CodingKeys: String, CodingKey {
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case token, tokenFile, username, password, exec
            case authProvider = "auth-provider"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            clientCertificate = try container.decodeIfPresent(String.self, forKey: .clientCertificate)
            clientCertificateData = try container.decodeIfPresent(String.self, forKey: .clientCertificateData)
            clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
            clientKeyData = try container.decodeIfPresent(String.self, forKey: .clientKeyData)
            token = try container.decodeIfPresent(String.self, forKey: .token)
            tokenFile = try container.decodeIfPresent(String.self, forKey: .tokenFile)
            username = try container.decodeIfPresent(String.self, forKey: .username)
            password = try container.decodeIfPresent(String.self, forKey: .password)
            hasExec = try container.contains(.exec) && !container.decodeNil(forKey: .exec)
            hasAuthProvider = try container.contains(.authProvider) && !container.decodeNil(forKey: .authProvider)
        }
    }

    struct NamedContext: Decodable {
        var name: String?
        var context: ContextFields?
    }

    struct ContextFields: Decodable {
        var cluster: String?
        var user: String?
        var namespace: String?
    }
}
