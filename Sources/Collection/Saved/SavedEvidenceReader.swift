import Audit
import Foundation

/// Reads a saved-evidence folder (RULE.md "Saved evidence") into evidence per cluster.
///
/// Layout: `clusters.json`, `clusters/<id>.json`, `addons/<id>/<name>.json`,
/// `kubernetes/<id>/{eni-config,nodes,namespaces,networkpolicies,pods}.json`; each also as `.yaml`/`.yml`.
/// Unknown files are ignored; a missing optional file means that layer was not collected; a file that does not
/// parse is an error naming the file and the position.
public struct SavedEvidenceReader: Sendable {
    public static let kubernetesFiles = ["eni-config", "nodes", "namespaces", "networkpolicies", "pods"]
    static let extensions = ["json", "yaml", "yml"]

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func read() throws(EvidenceFileError) -> [ClusterEvidence] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDirectory(path: directory)
        }
        var descriptions: [String: [(value: JSONValue, source: String)]] = [:]
        var order: [String] = []
        func add(_ object: JSONValue, source: String) {
            let id = object["cluster_id"]!.stringValue!
            if descriptions[id] == nil { order.append(id) }
            descriptions[id, default: []].append((object, source))
        }
        if let listing = try load("clusters") {
            for object in try EvidenceDecoding.clusterObjects(inListing: listing.value, source: listing.path) {
                add(object, source: listing.path)
            }
        }
        for name in try entries(in: "clusters") {
            guard let stem = Self.stem(name) else { continue }
            guard let detail = try load("clusters/\(stem)") else { continue }
            if EvidenceDecoding.serviceError(detail.value) != nil {
                // A saved error for the detail call: the listing stays the record.
                continue
            }
            guard detail.value.objectValue != nil else {
                throw .unexpectedContent(path: detail.path, problem: "expected a cluster object")
            }
            var object = detail.value
            if object["cluster_id"]?.stringValue == nil, case .object(var members) = object {
                members["cluster_id"] = .string(stem)
                object = .object(members)
            }
            add(object, source: detail.path)
        }
        if order.isEmpty && !hasFile("clusters") {
            throw .noClusterListing(directory: directory)
        }
        var result: [ClusterEvidence] = []
        for id in order {
            var evidence = ClusterEvidence(record: EvidenceDecoding.record(from: descriptions[id]!))
            for name in try entries(in: "addons/\(id)") {
                guard let stem = Self.stem(name), let document = try load("addons/\(id)/\(stem)") else { continue }
                evidence.addonInstances[stem] = EvidenceDecoding.addonLayer(document.value, source: document.path)
            }
            let base = "kubernetes/\(id)"
            if let document = try load("\(base)/eni-config") {
                evidence.eniConfig = try EvidenceDecoding.configMapLayer(document.value, source: document.path)
            }
            if let document = try load("\(base)/nodes") {
                evidence.nodes = try EvidenceDecoding.listLayer(
                    document.value, source: document.path, expectedKind: "Node")
            }
            if let document = try load("\(base)/namespaces") {
                evidence.namespaces = try EvidenceDecoding.listLayer(
                    document.value, source: document.path, expectedKind: "Namespace")
            }
            if let document = try load("\(base)/networkpolicies") {
                evidence.networkPolicies = try EvidenceDecoding.listLayer(
                    document.value, source: document.path, expectedKind: "NetworkPolicy")
            }
            if let document = try load("\(base)/pods") {
                evidence.pods = try EvidenceDecoding.listLayer(
                    document.value, source: document.path, expectedKind: "Pod")
            }
            result.append(evidence)
        }
        return result
    }

    // MARK: - Files

    /// `name.json`, `name.yaml` or `name.yml` under the folder, parsed; `nil` when none exists.
    func load(_ stem: String) throws(EvidenceFileError) -> (value: JSONValue, path: String)? {
        for ext in Self.extensions {
            let relative = "\(stem).\(ext)"
            let full = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                let display = (directory as NSString).appendingPathComponent(relative)
                return (try EvidenceFile.load(path: full, displayPath: display), display)
            }
        }
        return nil
    }

    func hasFile(_ stem: String) -> Bool {
        Self.extensions.contains { FileManager.default.fileExists(atPath: "\(directory)/\(stem).\($0)") }
    }

    /// The file names in a sub-folder, sorted; empty when it does not exist.
    func entries(in relative: String) throws(EvidenceFileError) -> [String] {
        let full = (directory as NSString).appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue else {
            return []
        }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: full).sorted()
        } catch {
            throw .unreadable(path: full, reason: (error as NSError).localizedDescription)
        }
    }

    /// `terway-eniip.json` → `terway-eniip`; `nil` for hidden files and other extensions.
    static func stem(_ name: String) -> String? {
        guard !name.hasPrefix(".") else { return nil }
        for ext in extensions where name.lowercased().hasSuffix("." + ext) {
            return String(name.dropLast(ext.count + 1))
        }
        return nil
    }
}
