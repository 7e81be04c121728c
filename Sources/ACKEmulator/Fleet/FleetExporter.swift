import Audit
public import Foundation

/// Writes a fleet as a saved-evidence folder (RULE.md "Saved evidence"): exactly what the emulated APIs answer.
///
/// Clusters whose Kubernetes API cannot be read live (a fault, or a deleted cluster) get no `kubernetes/<id>/`
/// folder, so an audit of the folder sees the same missing layer as a live audit.
public enum FleetExporter {
    /// Kubernetes resources written per cluster, with the file each goes to.
    static let listFiles: [(resource: String, kind: String, file: String)] = [
        ("nodes", "Node", "nodes.json"),
        ("namespaces", "Namespace", "namespaces.json"),
        ("networkpolicies", "NetworkPolicy", "networkpolicies.json"),
        ("pods", "Pod", "pods.json"),
    ]

    /// - Parameter kubernetesServer: base URL used in `master_url` (`<server>/clusters/<id>`).
    public static func write(
        _ fleet: Fleet,
        to directory: URL,
        kubernetesServer: String = "https://127.0.0.1:6443"
    ) throws {
        var pages: [JSONValue] = []
        for cluster in fleet.clusters {
            pages.append(ClusterViews.v1Item(cluster, masterURL: masterURL(kubernetesServer, cluster)))
        }
        let count = JSONValue.number(Double(fleet.clusters.count))
        try save(
            ["clusters": .array(pages), "page_info": ["page_number": 1, "page_size": count, "total_count": count]],
            to: directory.appendingPathComponent("clusters.json"))
        for cluster in fleet.clusters {
            let id = cluster.id
            // The fleet may come from a folder someone else wrote: an id or add-on name becomes a path component
            // only when it has its documented shape.
            try requirePathComponent(id, .clusterId, directory: directory)
            try save(
                ClusterViews.detail(cluster, masterURL: masterURL(kubernetesServer, cluster)),
                to: directory.appendingPathComponent("clusters").appendingPathComponent("\(id).json"))
            for addon in cluster.addons {
                guard let name = addon["name"]?.stringValue else { continue }
                try requirePathComponent(name, .addonName, directory: directory)
                try save(
                    addon,
                    to: directory.appendingPathComponent("addons").appendingPathComponent(id)
                        .appendingPathComponent("\(name).json"))
            }
            let state = cluster.detail["state"]?.stringValue ?? cluster.listItem?["state"]?.stringValue
            guard cluster.kubernetesFault == .none, state != "deleted" else { continue }
            let folder = directory.appendingPathComponent("kubernetes").appendingPathComponent(id)
            try save(eniConfig(cluster), to: folder.appendingPathComponent("eni-config.json"))
            for entry in listFiles {
                let body: JSONValue
                if let status = cluster.kubernetesReadStatuses[entry.resource] {
                    body = EvidenceStatus.failure(code: status, resource: entry.resource, name: nil)
                } else {
                    body = [
                        "apiVersion": "v1", "kind": "List", "metadata": ["resourceVersion": ""],
                        "items": .array(sortedByNamespaceAndName(cluster.kubernetesObjects(kind: entry.kind))),
                    ]
                }
                try save(body, to: folder.appendingPathComponent(entry.file))
            }
        }
    }

    static func requirePathComponent(_ value: String, _ kind: Identifier, directory: URL) throws {
        if let problem = kind.problem(with: value) {
            throw SavedEvidenceError.unwritable(path: directory.path, reason: problem)
        }
    }

    static func masterURL(_ server: String, _ cluster: FleetCluster) -> String {
        ClusterViews.masterURL(endpoint: "\(server)/clusters/\(cluster.id)")
    }

    static func eniConfig(_ cluster: FleetCluster) -> JSONValue {
        if let status = cluster.kubernetesReadStatuses["configmaps"] {
            return EvidenceStatus.failure(code: status, resource: "configmaps", name: "eni-config")
        }
        let found = cluster.kubernetesObjects(kind: "ConfigMap").first {
            $0["metadata"]?["name"]?.stringValue == "eni-config"
                && $0["metadata"]?["namespace"]?.stringValue == "kube-system"
        }
        return found ?? EvidenceStatus.failure(code: 404, resource: "configmaps", name: "eni-config")
    }

    static func sortedByNamespaceAndName(_ objects: [JSONValue]) -> [JSONValue] {
        objects.sorted { lhs, rhs in
            let left = (lhs["metadata"]?["namespace"]?.stringValue ?? "", lhs["metadata"]?["name"]?.stringValue ?? "")
            let right = (rhs["metadata"]?["namespace"]?.stringValue ?? "", rhs["metadata"]?["name"]?.stringValue ?? "")
            return left < right
        }
    }

    static func save(_ value: JSONValue, to file: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            var data = JSONText.data(value, pretty: true)
            data.append(contentsOf: Array("\n".utf8))
            try data.write(to: file, options: .atomic)
        } catch {
            throw SavedEvidenceError.unwritable(path: file.path, reason: "\(error)")
        }
    }
}
