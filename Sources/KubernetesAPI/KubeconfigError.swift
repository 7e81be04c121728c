/// A kubeconfig that cannot be read or used. Every case names the file and the context, cluster, user or field
/// that failed; none carries a key, a token or a password.
public enum KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read (missing, too large, not UTF-8, permission).
    case unreadableFile(path: String, reason: String)
    /// The file is not YAML (position and problem only).
    case invalidYAML(file: String, reason: String)
    /// A field has the wrong type or is missing; `field` is a dotted path such as `clusters.[0].name`.
    case invalidField(file: String, field: String, reason: String)
    /// Two clusters, users or contexts share a name.
    case duplicateName(file: String, kind: String, name: String)
    /// No context was asked for and the file has no `current-context`.
    case noCurrentContext(file: String, available: [String])
    /// The context asked for (or the current context) is not in the file.
    case contextNotFound(file: String, context: String, available: [String])
    /// The context names a cluster that is not in the file.
    case clusterNotFound(file: String, context: String, cluster: String)
    /// The context names a user that is not in the file.
    case userNotFound(file: String, context: String, user: String)
    /// The cluster has no `server`, or it is not an `https://` URL.
    case invalidServer(file: String, cluster: String, reason: String)
    /// A certificate, key or token field of a cluster or user cannot be used.
    case invalidCredentialField(file: String, owner: String, field: String, reason: String)
    /// A file named by a cluster or user field cannot be read.
    case unreadableReferencedFile(file: String, owner: String, field: String, path: String, reason: String)
    /// The cluster or user uses a feature ackguard does not support (for example `exec` plug-ins).
    case unsupported(file: String, owner: String, field: String, reason: String)
    /// Two fields that exclude each other are both set.
    case conflictingFields(file: String, owner: String, fields: [String], reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            return "kubeconfig \(path): cannot read: \(reason)"
        case .invalidYAML(let file, let reason):
            return "kubeconfig \(file): not valid YAML: \(reason)"
        case .invalidField(let file, let field, let reason):
            return "kubeconfig \(file): field \(field): \(reason)"
        case .duplicateName(let file, let kind, let name):
            return "kubeconfig \(file): more than one \(kind) named \(name)"
        case .noCurrentContext(let file, let available):
            return "kubeconfig \(file): no context given and no current-context set "
                + "(contexts: \(Self.list(available)))"
        case .contextNotFound(let file, let context, let available):
            return "kubeconfig \(file): context \(context) not found (contexts: \(Self.list(available)))"
        case .clusterNotFound(let file, let context, let cluster):
            return "kubeconfig \(file): context \(context) names cluster \(cluster), which is not defined"
        case .userNotFound(let file, let context, let user):
            return "kubeconfig \(file): context \(context) names user \(user), which is not defined"
        case .invalidServer(let file, let cluster, let reason):
            return "kubeconfig \(file): cluster \(cluster): server: \(reason)"
        case .invalidCredentialField(let file, let owner, let field, let reason):
            return "kubeconfig \(file): \(owner): \(field): \(reason)"
        case .unreadableReferencedFile(let file, let owner, let field, let path, let reason):
            return "kubeconfig \(file): \(owner): \(field) \(path): cannot read: \(reason)"
        case .unsupported(let file, let owner, let field, let reason):
            return "kubeconfig \(file): \(owner): \(field) is not supported: \(reason)"
        case .conflictingFields(let file, let owner, let fields, let reason):
            return "kubeconfig \(file): \(owner): \(fields.joined(separator: " and ")) conflict: \(reason)"
        }
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.joined(separator: ", ")
    }
}
