public import Audit

/// What the APIs returned about one cluster, each document named by its place in the saved-evidence layout
/// (`clusters.json`, `addons/<id>/terway-eniip.json`, `kubernetes/<id>/eni-config.json`, …).
///
/// Live collection and `--from` both end here, and evidence is decoded from these documents only, so a folder
/// written by `collect` re-audits to the same findings, byte for byte.
public struct ClusterDocuments: Sendable {
    public var clusterId: String
    /// Descriptions of the cluster: listing entries and the detail, in the order they were read.
    public var descriptions: [(value: JSONValue, source: String)]
    /// Add-on instance documents (responses or error bodies) by add-on name.
    public var addons: [String: JSONValue]
    /// Kubernetes documents (objects, lists or `Status` objects) by file stem: `eni-config`, `nodes`, `namespaces`,
    /// `networkpolicies`, `pods`.
    public var kubernetes: [String: JSONValue]
    /// The file a document was read from, by its layout path, when it differs (a `.yaml` file, say).
    public var fileNames: [String: String] = [:]
    /// The API call a live document came from (`GET /api/v1/nodes`), by its layout path: evidence names the call,
    /// not a file that does not exist in a live run. Saved folders leave it empty (their evidence names the file).
    public var sources: [String: String] = [:]
    /// Why the collection of this cluster stopped short of what the rules need (the run's time limit ran out): its
    /// findings are then UNKNOWN `collection-failed` (``ClusterEvidence/collectionError``). `collect` saves it in
    /// `unfinished.json` (``SavedUnfinished``), so `--from` gives the same findings.
    public var collectionError: String?
    /// The account the cluster belongs to, when the run knows it (`--role-arn`, `--resource-directory`; a saved
    /// folder's `accounts.json`): it replaces the account id the record's `parameters` may name.
    public var accountId: String?
    /// The account's display name in the Resource Directory, when known.
    public var accountName: String?

    public init(
        clusterId: String, descriptions: [(value: JSONValue, source: String)] = [], addons: [String: JSONValue] = [:],
        kubernetes: [String: JSONValue] = [:]
    ) {
        self.clusterId = clusterId
        self.descriptions = descriptions
        self.addons = addons
        self.kubernetes = kubernetes
    }

    public static func addonPath(clusterId: String, name: String) -> String { "addons/\(clusterId)/\(name).json" }
    public static func kubernetesPath(clusterId: String, file: String) -> String {
        "kubernetes/\(clusterId)/\(file).json"
    }

    /// Decodes the documents into evidence; each layer's source is its layout path (or the file it came from).
    ///
    /// The identifiers are checked first, on what was merged (a detail document may carry its own `cluster_id`, a
    /// legacy record its region only in `parameters`): the cluster id, the region id and every add-on name must have
    /// their documented shapes (``Identifier``), or this throws naming the value and the document it came from.
    public func evidence() throws(EvidenceFileError) -> ClusterEvidence {
        func sourceName(_ path: String) -> String { sources[path] ?? fileNames[path] ?? path }
        let record = EvidenceDecoding.record(from: descriptions)
        let recordSource = descriptions.last.map { sourceName($0.source) } ?? "cluster \(InertText.quoted(clusterId))"
        try EvidenceDecoding.requireIdentifier(clusterId, .clusterId, source: recordSource)
        if record.clusterId != clusterId {
            throw .unexpectedContent(
                path: recordSource,
                problem: "cluster_id \(InertText.quoted(record.clusterId)) does not match the cluster \(clusterId)")
        }
        if !record.regionId.isEmpty {
            try EvidenceDecoding.requireIdentifier(record.regionId, .regionId, source: recordSource, cluster: clusterId)
        }
        var evidence = ClusterEvidence(record: withAccount(record), collectionError: collectionError)
        for name in addons.keys.sorted() {
            let source = sourceName(Self.addonPath(clusterId: clusterId, name: name))
            try EvidenceDecoding.requireIdentifier(name, .addonName, source: source, cluster: clusterId)
            evidence.addonInstances[name] = EvidenceDecoding.addonLayer(addons[name]!, source: source)
        }
        func source(_ file: String) -> String { sourceName(Self.kubernetesPath(clusterId: clusterId, file: file)) }
        if let document = kubernetes["eni-config"] {
            evidence.eniConfig = try EvidenceDecoding.configMapLayer(document, source: source("eni-config"))
        }
        if let document = kubernetes["nodes"] {
            evidence.nodes = try EvidenceDecoding.listLayer(document, source: source("nodes"), expectedKind: "Node")
        }
        if let document = kubernetes["namespaces"] {
            evidence.namespaces = try EvidenceDecoding.listLayer(
                document, source: source("namespaces"), expectedKind: "Namespace")
        }
        if let document = kubernetes["networkpolicies"] {
            evidence.networkPolicies = try EvidenceDecoding.listLayer(
                document, source: source("networkpolicies"), expectedKind: "NetworkPolicy")
        }
        if let document = kubernetes["pods"] {
            evidence.pods = try EvidenceDecoding.listLayer(document, source: source("pods"), expectedKind: "Pod")
        }
        return evidence
    }

    /// ``evidence()``, or when the documents cannot be decoded, the cluster's record with the problem as its
    /// ``ClusterEvidence/collectionError``: its findings are then UNKNOWN (`collection-failed`) naming the problem,
    /// never a pass, and one cluster's hostile answer does not stop the audit of the others.
    public func evidenceOrFailure() -> ClusterEvidence {
        do {
            return try evidence()
        } catch {
            let record = withAccount(EvidenceDecoding.record(from: descriptions))
            return ClusterEvidence(
                record: record, collectionError: "its documents could not be decoded: \(error.description)")
        }
    }

    /// `record` with this cluster's account, when known.
    func withAccount(_ record: ClusterRecord) -> ClusterRecord {
        var record = record
        if let accountId { record.accountId = accountId }
        if let accountName { record.accountName = accountName }
        return record
    }
}
