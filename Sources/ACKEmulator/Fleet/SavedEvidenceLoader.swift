import Audit
public import Foundation
import Yams

/// Reads a saved-evidence folder (RULE.md "Saved evidence", JSON or YAML) into a fleet the emulator can serve.
///
/// What the folder does not hold is served so that a live audit sees the same missing layer as an audit of the
/// folder: a cluster without `kubernetes/<id>/` refuses Kubernetes connections; a missing `eni-config.json`,
/// `nodes.json`, … answers 403 to that read; a saved `Status` object answers its code (404 = not found).
public enum SavedEvidenceLoader {
    public static func load(from directory: URL) throws -> Fleet {
        guard let listingFile = existingFile(directory, stem: "clusters") else {
            throw SavedEvidenceError.missingListing(directory: directory.path)
        }
        let listing = try document(at: listingFile)
        let items = try clusterItems(listing, path: listingFile.path)
        var clusters: [FleetCluster] = []
        var seen: Set<String> = []
        for item in items {
            guard let id = item["cluster_id"]?.stringValue, !id.isEmpty else {
                throw SavedEvidenceError.unexpectedShape(
                    path: listingFile.path, expected: "a cluster listing whose items carry cluster_id")
            }
            guard seen.insert(id).inserted else { continue }
            clusters.append(try cluster(id: id, listItem: item, directory: directory))
        }
        var regions: [String] = []
        for cluster in clusters {
            if let region = ClusterViews.merged(cluster)["region_id"]?.stringValue, !regions.contains(region) {
                regions.append(region)
            }
        }
        return Fleet(clusters: clusters, regions: regions.sorted())
    }

    /// The cluster objects of a listing: `{"clusters":[…]}`, a bare array of clusters, or an array of such pages.
    static func clusterItems(_ listing: JSONValue, path: String) throws -> [JSONValue] {
        switch listing {
        case .object:
            guard let clusters = listing["clusters"]?.arrayValue else {
                throw SavedEvidenceError.unexpectedShape(path: path, expected: "an object with a clusters array")
            }
            return clusters
        case .array(let elements):
            if elements.allSatisfy({ $0["clusters"] != nil }) && !elements.isEmpty {
                return try elements.flatMap { try clusterItems($0, path: path) }
            }
            guard elements.allSatisfy({ $0.objectValue != nil }) else {
                throw SavedEvidenceError.unexpectedShape(path: path, expected: "an array of cluster objects")
            }
            return elements
        default:
            throw SavedEvidenceError.unexpectedShape(path: path, expected: "a cluster listing (object or array)")
        }
    }

    static func cluster(id: String, listItem: JSONValue, directory: URL) throws -> FleetCluster {
        let detailFile = existingFile(directory.appendingPathComponent("clusters"), stem: id)
        let detail = try detailFile.map { try document(at: $0) } ?? listItem
        guard detail.objectValue != nil else {
            throw SavedEvidenceError.unexpectedShape(path: detailFile?.path ?? id, expected: "a cluster object")
        }
        var addons: [JSONValue] = []
        let addonFolder = directory.appendingPathComponent("addons").appendingPathComponent(id)
        for file in try documentFiles(in: addonFolder) {
            var addon = try document(at: file)
            guard case .object(var fields) = addon else {
                throw SavedEvidenceError.unexpectedShape(path: file.path, expected: "an add-on instance object")
            }
            if fields["name"]?.stringValue == nil {
                fields["name"] = .string(file.deletingPathExtension().lastPathComponent)
            }
            addon = .object(fields)
            addons.append(addon)
        }
        var cluster = FleetCluster(detail: detail, listItem: listItem, addons: addons)
        let kubernetesFolder = directory.appendingPathComponent("kubernetes").appendingPathComponent(id)
        guard isDirectory(kubernetesFolder) else {
            cluster.kubernetesFault = .refuse
            return cluster
        }
        var objects: [JSONValue] = []
        var statuses: [String: Int] = [:]
        if let file = existingFile(kubernetesFolder, stem: "eni-config") {
            let value = try document(at: file)
            if value["kind"]?.stringValue == "Status" {
                let code = value["code"]?.intValue ?? 404
                if code != 404 { statuses["configmaps"] = code }
            } else if value["kind"]?.stringValue == "ConfigMap" || value["data"] != nil {
                objects.append(withKind(value, kind: "ConfigMap", apiVersion: "v1"))
            } else {
                throw SavedEvidenceError.unexpectedShape(path: file.path, expected: "a ConfigMap or a Status")
            }
        } else {
            statuses["configmaps"] = 403
        }
        let lists: [(stem: String, resource: String, kind: String, apiVersion: String)] = [
            ("nodes", "nodes", "Node", "v1"),
            ("namespaces", "namespaces", "Namespace", "v1"),
            ("networkpolicies", "networkpolicies", "NetworkPolicy", "networking.k8s.io/v1"),
            ("pods", "pods", "Pod", "v1"),
        ]
        for list in lists {
            guard let file = existingFile(kubernetesFolder, stem: list.stem) else {
                statuses[list.resource] = 403
                continue
            }
            let value = try document(at: file)
            if value["kind"]?.stringValue == "Status" {
                statuses[list.resource] = value["code"]?.intValue ?? 500
                continue
            }
            guard let items = value["items"]?.arrayValue ?? value.arrayValue else {
                throw SavedEvidenceError.unexpectedShape(path: file.path, expected: "a List with items or a Status")
            }
            objects += items.map { withKind($0, kind: list.kind, apiVersion: list.apiVersion) }
        }
        if let daemonSet = networkDaemonSet(cluster, nodeCount: objects.filter { $0["kind"] == "Node" }.count) {
            objects.append(daemonSet)
        }
        cluster.kubernetesObjects = objects
        cluster.kubernetesReadStatuses = statuses
        return cluster
    }

    /// The network DaemonSet a cluster with this plug-in runs (saved evidence does not hold DaemonSets).
    static func networkDaemonSet(_ cluster: FleetCluster, nodeCount: Int) -> JSONValue? {
        var names = cluster.addons.compactMap { $0["name"]?.stringValue }
        let fields = ClusterViews.merged(cluster)
        if let metaText = fields["meta_data"]?.stringValue, let metaData = JSONText.parse(metaText) {
            names += (metaData["Addons"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        }
        if let network = fields["parameters"]?["Network"]?.stringValue { names.append(network.lowercased()) }
        let plugin: (name: String, initContainers: [String], containers: [String])
        if names.contains("terway-eniip") {
            plugin = ("terway-eniip", ["terway-init"], ["terway", "policy"])
        } else if names.contains("terway-eni") {
            plugin = ("terway-eni", [], ["terway"])
        } else if names.contains("flannel") || names.contains("kube-flannel-ds") {
            plugin = ("kube-flannel-ds", ["install-cni"], ["kube-flannel"])
        } else {
            return nil
        }
        let created = fields["created"]?.stringValue ?? "2024-01-01T00:00:00Z"
        var objects = FleetKubernetesObjects(
            random: SeededRandomNumberGenerator(seed: UInt64(truncatingIfNeeded: cluster.id.hashValueStable)),
            creationTimestamp: created)
        return objects.daemonSet(
            name: plugin.name, initContainers: plugin.initContainers, containers: plugin.containers,
            image: "registry-vpc.ack.aliyuncs.com/acs/\(plugin.name):saved", scheduled: nodeCount)
    }

    static func withKind(_ object: JSONValue, kind: String, apiVersion: String) -> JSONValue {
        guard case .object(var fields) = object else { return object }
        if fields["kind"] == nil { fields["kind"] = .string(kind) }
        if fields["apiVersion"] == nil { fields["apiVersion"] = .string(apiVersion) }
        return .object(fields)
    }

    // MARK: Files

    static let extensions = ["json", "yaml", "yml"]

    static func existingFile(_ folder: URL, stem: String) -> URL? {
        for ext in extensions {
            let file = folder.appendingPathComponent("\(stem).\(ext)")
            if FileManager.default.fileExists(atPath: file.path) { return file }
        }
        return nil
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func documentFiles(in folder: URL) throws -> [URL] {
        guard isDirectory(folder) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw SavedEvidenceError.unreadable(path: folder.path, reason: "\(error)")
        }
        return names.sorted().filter { name in extensions.contains { name.hasSuffix(".\($0)") } }
            .map { folder.appendingPathComponent($0) }
    }

    /// A JSON or YAML document (JSON when the text starts with `{` or `[`).
    static func document(at file: URL) throws -> JSONValue {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw SavedEvidenceError.unreadable(path: file.path, reason: "\(error)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let first = text.first { !$0.isWhitespace }
        if first == "{" || first == "[" {
            do {
                return try JSONDecoder().decode(JSONValue.self, from: data)
            } catch let DecodingError.dataCorrupted(context) {
                let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey]
                throw SavedEvidenceError.unparsable(
                    path: file.path, reason: "\(context.debugDescription) \(underlying.map { "\($0)" } ?? "")")
            } catch {
                throw SavedEvidenceError.unparsable(path: file.path, reason: "\(error)")
            }
        }
        do {
            guard let node = try Yams.compose(yaml: text) else { return .null }
            return try jsonValue(node, path: file.path)
        } catch let error as SavedEvidenceError {
            throw error
        } catch {
            throw SavedEvidenceError.unparsable(path: file.path, reason: "\(error)")
        }
    }

    static func jsonValue(_ node: Node, path: String) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag.description {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue:
                return Bool.construct(from: scalar).map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue:
                return Int.construct(from: scalar).map { .number(Double($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue:
                return Double.construct(from: scalar).map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var fields: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw SavedEvidenceError.unparsable(path: path, reason: "a mapping key that is not a scalar")
                }
                fields[keyScalar.string] = try jsonValue(value, path: path)
            }
            return .object(fields)
        case .sequence(let sequence):
            return .array(try sequence.map { try jsonValue($0, path: path) })
        case .alias:
            throw SavedEvidenceError.unparsable(path: path, reason: "YAML aliases are not supported")
        }
    }
}
