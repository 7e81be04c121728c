import Foundation

/// API paths of the objects ackguard reads and writes. Names and namespaces are percent-encoded as path segments.
public enum KubernetesPath {
    public static func configMap(namespace: String, name: String) -> String {
        "/api/v1/namespaces/\(segment(namespace))/configmaps/\(segment(name))"
    }

    public static func configMaps(namespace: String) -> String {
        "/api/v1/namespaces/\(segment(namespace))/configmaps"
    }

    public static let namespaces = "/api/v1/namespaces"
    public static let nodes = "/api/v1/nodes"

    /// All pods, or the pods of one namespace.
    public static func pods(namespace: String? = nil) -> String {
        guard let namespace else { return "/api/v1/pods" }
        return "/api/v1/namespaces/\(segment(namespace))/pods"
    }

    /// All NetworkPolicies, or those of one namespace.
    public static func networkPolicies(namespace: String? = nil) -> String {
        guard let namespace else { return "/apis/networking.k8s.io/v1/networkpolicies" }
        return "/apis/networking.k8s.io/v1/namespaces/\(segment(namespace))/networkpolicies"
    }

    public static func daemonSet(namespace: String, name: String) -> String {
        "/apis/apps/v1/namespaces/\(segment(namespace))/daemonsets/\(segment(name))"
    }

    public static func daemonSets(namespace: String) -> String {
        "/apis/apps/v1/namespaces/\(segment(namespace))/daemonsets"
    }

    /// `value` percent-encoded for use as one path segment.
    public static func segment(_ value: String) -> String {
        let allowed = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:@")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
