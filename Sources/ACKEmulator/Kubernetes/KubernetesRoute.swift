import Foundation

/// A request path of the emulated API server, below `/clusters/<cluster id>`.
struct KubernetesRoute: Sendable, Equatable {
    enum Target: Sendable, Equatable {
        /// A collection: all objects of a type, or those of one namespace.
        case collection(KubernetesResourceType, namespace: String?)
        /// One object.
        case object(KubernetesResourceType, namespace: String?, name: String)
        /// `GET /version`.
        case version
    }

    let clusterId: String
    /// `nil` when the path below the cluster is not one the server serves.
    let target: Target?
    /// The resource name for request records (`configmaps`), or the path when unknown.
    let recordName: String

    /// Parses `/clusters/<id>/<api path>`; `nil` when the path does not start with a cluster.
    init?(path: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard segments.count >= 2, segments[0] == "clusters", !segments[1].isEmpty else { return nil }
        clusterId = segments[1]
        let rest = Array(segments.dropFirst(2))
        let parsed = Self.parse(rest)
        target = parsed
        switch parsed {
        case .collection(let type, _), .object(let type, _, _): recordName = type.resource
        case .version: recordName = "version"
        case nil: recordName = "/" + rest.joined(separator: "/")
        }
    }

    private static func parse(_ rest: [String]) -> Target? {
        if rest == ["version"] { return .version }
        let prefix: String
        let tail: [String]
        if rest.count >= 2, rest[0] == "api" {
            prefix = "/api/\(rest[1])"
            tail = Array(rest.dropFirst(2))
        } else if rest.count >= 3, rest[0] == "apis" {
            prefix = "/apis/\(rest[1])/\(rest[2])"
            tail = Array(rest.dropFirst(3))
        } else {
            return nil
        }
        guard !tail.contains(where: \.isEmpty) else { return nil }
        switch tail.count {
        case 1:
            guard let type = KubernetesResourceType.find(prefix: prefix, resource: tail[0]) else { return nil }
            return .collection(type, namespace: nil)
        case 2:
            guard let type = KubernetesResourceType.find(prefix: prefix, resource: tail[0]), !type.namespaced else {
                return nil
            }
            return .object(type, namespace: nil, name: tail[1])
        case 3:
            guard tail[0] == "namespaces",
                let type = KubernetesResourceType.find(prefix: prefix, resource: tail[2]), type.namespaced
            else { return nil }
            return .collection(type, namespace: tail[1])
        case 4:
            guard tail[0] == "namespaces",
                let type = KubernetesResourceType.find(prefix: prefix, resource: tail[2]), type.namespaced
            else { return nil }
            return .object(type, namespace: tail[1], name: tail[3])
        default:
            return nil
        }
    }
}
