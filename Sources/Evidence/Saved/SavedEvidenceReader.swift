public import Audit
import Foundation

/// Reads a saved-evidence folder (RULE.md "Saved evidence") into evidence per cluster.
///
/// Layout: `clusters.json`, `clusters/<id>.json`, `addons/<id>/<name>.json`,
/// `kubernetes/<id>/{eni-config,nodes,namespaces,networkpolicies,pods}.json`, and (optional, ackguard's own) the
/// clusters' accounts in `accounts.json` (``SavedAccounts``) and the clusters whose collection stopped short in
/// `unfinished.json` (``SavedUnfinished``); each also as `.yaml`/`.yml`.
/// Unknown files are ignored; only a path that does not exist at all means that layer was not collected. A file
/// or folder of the layout that exists but cannot be read (a dangling or looping link, a folder where a file
/// belongs, a FIFO or device, no permission, beyond `ParseLimits`) and a file that does not parse are errors
/// naming the file, never a silent skip: a skipped ConfigMap lets the add-on config decide, possibly PASS.
///
/// One cluster described twice differently in the listing is an error naming both places: which description won
/// would decide the verdict. Identical repeats are kept, as `collect` saves every pass over a re-listed region.
public struct SavedEvidenceReader: Sendable {
    public static let kubernetesFiles = ["eni-config", "nodes", "namespaces", "networkpolicies", "pods"]
    static let extensions = ["json", "yaml", "yml"]

    public let directory: String
    public let limits: ParseLimits

    public init(directory: String, limits: ParseLimits = .default) {
        self.directory = directory
        self.limits = limits
    }

    public func read() throws(EvidenceFileError) -> [ClusterEvidence] {
        var evidence: [ClusterEvidence] = []
        for documents in try readDocuments() {
            evidence.append(try documents.evidence())
        }
        return evidence
    }

    /// What a folder holds: each cluster's documents, and the accounts its collection did not audit.
    public struct Folder: Sendable {
        /// The documents of every cluster, in listing order.
        public var clusters: [ClusterDocuments]
        /// The accounts `accounts.json` says were not audited (``SavedAccounts/skipped``); empty without the file.
        public var skippedAccounts: [SavedAccounts.Skipped]
        /// The regions `unfinished.json` says were not listed completely, with why; empty without the file.
        public var unfinishedRegions: [String: String] = [:]
    }

    /// The documents of every cluster, in listing order.
    public func readDocuments() throws(EvidenceFileError) -> [ClusterDocuments] {
        try readFolder().clusters
    }

    /// The documents of every cluster, in listing order, and the accounts not audited when the folder was collected.
    public func readFolder() throws(EvidenceFileError) -> Folder {
        guard try EvidenceFile.kind(of: directory, displayPath: directory) == .directory else {
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
            let objects = try EvidenceDecoding.clusterObjects(inListing: listing.value, source: listing.display)
            try Self.checkDuplicates(objects, listing: listing.value, display: listing.display)
            for object in objects { add(object, source: listing.path) }
        }
        for name in try entries(in: "clusters") {
            guard let stem = Self.stem(name), let detail = try load("clusters/\(stem)") else { continue }
            if EvidenceDecoding.serviceError(detail.value) != nil {
                continue  // a saved error for the detail call: the listing stays the record
            }
            guard case .object(var members) = detail.value else {
                throw .unexpectedContent(path: detail.display, problem: "expected a cluster object")
            }
            switch members["cluster_id"] {
            case nil, .null?:
                members["cluster_id"] = .string(stem)
            case .string(let id)? where id == stem:
                break
            case let other?:
                throw .unexpectedContent(
                    path: detail.display,
                    problem:
                        "its cluster_id \(Self.shown(other)) differs from its file name (\(Self.shown(.string(stem))))"
                )
            }
            add(.object(members), source: detail.path)
        }
        let listingExists = try hasFile("clusters")
        if order.isEmpty && !listingExists {
            throw .noClusterListing(directory: directory)
        }
        var skipped: [SavedAccounts.Skipped] = []
        var regions: [String: String] = [:]
        if let file = try load(SavedAccounts.fileStem) {
            let accounts = try SavedAccounts.decode(file.value, source: file.display, clusters: Set(order))
            for (id, account) in accounts.byCluster {
                byId[id]!.accountId = account.accountId
                byId[id]!.accountName = account.accountName
            }
            skipped = accounts.skipped
        }
        if let file = try load(SavedUnfinished.fileStem) {
            let unfinished = try SavedUnfinished.decode(file.value, source: file.display, clusters: Set(order))
            for (id, reason) in unfinished.reasons { byId[id]!.collectionError = reason }
            regions = unfinished.regions
        }
        for id in order {
            for name in try entries(in: "addons/\(id)") {
                guard let stem = Self.stem(name), let document = try load("addons/\(id)/\(stem)") else { continue }
                byId[id]!.addons[stem] = document.value
                byId[id]!.fileNames[ClusterDocuments.addonPath(clusterId: id, name: stem)] = document.path
            }
            _ = try folderExists("kubernetes")
            _ = try folderExists("kubernetes/\(id)")
            for file in Self.kubernetesFiles {
                guard let document = try load("kubernetes/\(id)/\(file)") else { continue }
                byId[id]!.kubernetes[file] = document.value
                byId[id]!.fileNames[ClusterDocuments.kubernetesPath(clusterId: id, file: file)] = document.path
            }
        }
        return Folder(clusters: order.map { byId[$0]! }, skippedAccounts: skipped, unfinishedRegions: regions)
    }

    // MARK: - Duplicates

    /// Refuses a listing that describes one cluster twice, differently, naming both places.
    static func checkDuplicates(_ objects: [JSONValue], listing: JSONValue, display: String)
        throws(EvidenceFileError)
    {
        let places = listingPlaces(listing)
        var first: [String: Int] = [:]
        for (index, object) in objects.enumerated() {
            guard let id = object["cluster_id"]?.stringValue else { continue }
            guard let earlier = first[id] else {
                first[id] = index
                continue
            }
            if objects[earlier] == object { continue }
            let here = index < places.count ? places[index] : "entry \(index + 1)"
            let there = earlier < places.count ? places[earlier] : "entry \(earlier + 1)"
            throw .unexpectedContent(
                path: display,
                problem: "cluster id \(shown(.string(id))) appears twice, described differently (\(there) and \(here))")
        }
    }

    /// Where each cluster of a listing is (`page 2 item 1`, or `item 3` in a bare array), in the order
    /// `EvidenceDecoding.clusterObjects(inListing:source:)` returns them.
    static func listingPlaces(_ listing: JSONValue) -> [String] {
        func page(_ value: JSONValue, _ name: String) -> [String] {
            let items = value["clusters"]?.arrayValue ?? []
            return items.indices.map { "\(name) item \($0 + 1)" }
        }
        switch listing {
        case .object:
            if listing["clusters"] != nil { return page(listing, "page 1") }
            return ["item 1"]
        case .array(let items):
            var places: [String] = []
            var pageNumber = 0
            for (index, item) in items.enumerated() {
                if item["clusters"] != nil {
                    pageNumber += 1
                    places += page(item, "page \(pageNumber)")
                } else {
                    places.append("item \(index + 1)")
                }
            }
            return places
        default:
            return []
        }
    }

    /// An identifier for a message: JSON-quoted, so control characters are escaped.
    static func shown(_ value: JSONValue) -> String {
        let text = value.serialized()
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }

    // MARK: - Files

    /// `name.json`, `name.yaml` or `name.yml` under the folder, parsed; `nil` when none exists. `path` is relative
    /// to the folder (the evidence's source), `display` names the file in errors.
    func load(_ stem: String) throws(EvidenceFileError) -> (value: JSONValue, path: String, display: String)? {
        for ext in Self.extensions {
            let relative = "\(stem).\(ext)"
            let full = (directory as NSString).appendingPathComponent(relative)
            switch try EvidenceFile.kind(of: full, displayPath: full) {
            case .absent: continue
            case .directory: throw .unreadable(path: full, reason: "a folder, not a file")
            case .file: return (try EvidenceFile.load(path: full, displayPath: full, limits: limits), relative, full)
            }
        }
        return nil
    }

    func hasFile(_ stem: String) throws(EvidenceFileError) -> Bool {
        for ext in Self.extensions {
            let full = (directory as NSString).appendingPathComponent("\(stem).\(ext)")
            if try EvidenceFile.kind(of: full, displayPath: full) != .absent { return true }
        }
        return false
    }

    /// Whether an optional folder of the layout exists; something else at its place is an error.
    func folderExists(_ relative: String) throws(EvidenceFileError) -> Bool {
        let full = (directory as NSString).appendingPathComponent(relative)
        switch try EvidenceFile.kind(of: full, displayPath: full) {
        case .absent: return false
        case .directory: return true
        case .file: throw .unreadable(path: full, reason: "a file, not a folder")
        }
    }

    /// The file names in a sub-folder, sorted; empty when it does not exist.
    func entries(in relative: String) throws(EvidenceFileError) -> [String] {
        if relative.contains("/") {
            _ = try folderExists(String(relative[..<relative.firstIndex(of: "/")!]))
        }
        guard try folderExists(relative) else { return [] }
        let full = (directory as NSString).appendingPathComponent(relative)
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
