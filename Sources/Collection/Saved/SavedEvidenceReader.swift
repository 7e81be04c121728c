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
        var evidence: [ClusterEvidence] = []
        for documents in try readDocuments() {
            evidence.append(try documents.evidence())
        }
        return evidence
    }

    /// The documents of every cluster, in listing order.
    public func readDocuments() throws(EvidenceFileError) -> [ClusterDocuments] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDirectory(path: directory)
        }
        var byId: [String: ClusterDocuments] = [:]
        var order: [String] = []
        func add(_ object: JSONValue, source: String) {
            let id = object["cluster_id"]!.stringValue!
            if byId[id] == nil {
                order.append(id)
                byId[id] = ClusterDocuments(clusterId: id)
            }
            byId[id]!.descriptions.append((object, source))
        }
        if let listing = try load("clusters") {
            for object in try EvidenceDecoding.clusterObjects(inListing: listing.value, source: listing.display) {
                add(object, source: listing.path)
            }
        }
        for name in try entries(in: "clusters") {
            guard let stem = Self.stem(name), let detail = try load("clusters/\(stem)") else { continue }
            if EvidenceDecoding.serviceError(detail.value) != nil {
                continue  // a saved error for the detail call: the listing stays the record
            }
            guard case .object(var members) = detail.value else {
                throw .unexpectedContent(path: detail.display, problem: "expected a cluster object")
            }
            if members["cluster_id"]?.stringValue == nil { members["cluster_id"] = .string(stem) }
            add(.object(members), source: detail.path)
        }
        if order.isEmpty && !hasFile("clusters") {
            throw .noClusterListing(directory: directory)
        }
        for id in order {
            for name in try entries(in: "addons/\(id)") {
                guard let stem = Self.stem(name), let document = try load("addons/\(id)/\(stem)") else { continue }
                byId[id]!.addons[stem] = document.value
                byId[id]!.fileNames[ClusterDocuments.addonPath(clusterId: id, name: stem)] = document.path
            }
            for file in Self.kubernetesFiles {
                guard let document = try load("kubernetes/\(id)/\(file)") else { continue }
                byId[id]!.kubernetes[file] = document.value
                byId[id]!.fileNames[ClusterDocuments.kubernetesPath(clusterId: id, file: file)] = document.path
            }
        }
        return order.map { byId[$0]! }
    }

    // MARK: - Files

    /// `name.json`, `name.yaml` or `name.yml` under the folder, parsed; `nil` when none exists. `path` is relative
    /// to the folder (the evidence's source), `display` names the file in errors.
    func load(_ stem: String) throws(EvidenceFileError) -> (value: JSONValue, path: String, display: String)? {
        for ext in Self.extensions {
            let relative = "\(stem).\(ext)"
            let full = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                return (try EvidenceFile.load(path: full, displayPath: full), relative, full)
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
