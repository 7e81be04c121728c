import Audit
import Foundation

/// Writes the saved-evidence layout (`ackguard collect --out DIR`): what the APIs returned, as JSON.
///
/// Files are written atomically; the listing (`clusters.json`, an array of the pages read, all regions) is written
/// last, so an interrupted collection leaves no folder that looks complete. Kubeconfigs are never written.
public struct SavedEvidenceWriter: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Creates the folder; refuses a folder that already holds a `clusters.json` (no data is overwritten).
    public func prepare() throws(EvidenceFileError) {
        let listing = (directory as NSString).appendingPathComponent("clusters.json")
        if FileManager.default.fileExists(atPath: listing) {
            throw .unexpectedContent(path: listing, problem: "already exists; choose an empty folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unreadable(path: directory, reason: (error as NSError).localizedDescription)
        }
    }

    /// The per-cluster files: detail (when read), add-ons and Kubernetes documents.
    public func write(_ documents: ClusterDocuments) throws(EvidenceFileError) {
        for description in documents.descriptions where description.source.hasPrefix("clusters/") {
            try write(description.value, to: description.source)
        }
        for (name, document) in documents.addons {
            try write(document, to: ClusterDocuments.addonPath(clusterId: documents.clusterId, name: name))
        }
        for (file, document) in documents.kubernetes {
            try write(document, to: ClusterDocuments.kubernetesPath(clusterId: documents.clusterId, file: file))
        }
    }

    /// The listing: every page read, as an array of pages.
    public func writeListing(pages: [JSONValue]) throws(EvidenceFileError) {
        try write(.array(pages), to: "clusters.json")
    }

    func write(_ value: JSONValue, to relative: String) throws(EvidenceFileError) {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(relative)
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((value.serialized(pretty: true) + "\n").utf8).write(to: url, options: .atomic)
        } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }
}
