import Audit
import KubernetesAPI

/// Which context of a user's kubeconfig reaches a cluster.
///
/// A context matches when its cluster's `server` is the cluster's API server (`master_url`:
/// `api_server_endpoint` or `intranet_api_server_endpoint`, compared without a trailing slash), or when the context
/// is named like the cluster id. `--context NAME` limits the choice to that context.
enum KubeconfigMatcher {
    struct NoContext: Error, CustomStringConvertible {
        var clusterId: String
        var description: String {
            "no kubeconfig context reaches cluster \(clusterId) (no server matches its master_url, no context is "
                + "named \(clusterId))"
        }
    }

    static func context(for record: ClusterRecord, in kubeconfig: Kubeconfig, only: String?) throws -> String {
        let candidates = kubeconfig.contexts.filter { only == nil || $0.name == only }
        if let named = candidates.first(where: { $0.name == record.clusterId }) { return named.name }
        let endpoints = apiServers(record)
        for context in candidates {
            guard let cluster = kubeconfig.clusters.first(where: { $0.name == context.cluster }),
                let server = cluster.server.map(normalize)
            else { continue }
            if endpoints.contains(server) { return context.name }
        }
        throw NoContext(clusterId: record.clusterId)
    }

    static func apiServers(_ record: ClusterRecord) -> Set<String> {
        guard let text = record.masterURL else { return [] }
        guard case .object(let members)? = try? JSONValue.parse(text) else { return [normalize(text)] }
        return Set(members.values.compactMap(\.stringValue).filter { !$0.isEmpty }.map(normalize))
    }

    static func normalize(_ url: String) -> String {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
