public import Audit
import Synchronization

/// `unfinished.json` of a saved-evidence folder: what the collection did not finish, with why: the regions it could
/// not list completely, and the clusters whose collection stopped short of what the rules need
/// (``ClusterDocuments/collectionError``: the run's `--max-duration` ran out).
///
/// ```json
/// {"regions": [{"regionId": "cn-hangzhou", "reason": "Alibaba Cloud API DescribeClustersV1 failed with HTTP 503 …"}],
///  "clusters": [{"clusterId": "c…", "reason": "the cluster was not read within the run's time limit (…)"}]}
/// ```
///
/// Without it, the folder of such a run would hold what was read and nothing of what was not (a region whose listing
/// failed leaves no page; a cluster cut short, its listing entry alone), and `audit --from` would decide on that (a
/// PASS, say, or a clean exit 0) with no note, where the live run said UNKNOWN `collection-failed` or "region …
/// was not listed completely" and exited 3. With it, `--from` gives the live findings and the same completeness
/// notes. Like `accounts.json` it is ackguard's own file (the others stay exactly what the APIs returned), optional
/// (a folder without it reads as before), and written by `collect` only when something was not finished.
///
/// Read as hostile input: both members are optional arrays; every cluster must be one of the folder's, a region id
/// must have its documented shape, neither may appear twice, and each reason is a non-empty string of at most
/// ``maxReasonLength`` characters; each is a one-line error naming the file.
public struct SavedUnfinished: Sendable, Equatable {
    /// Cluster id → why its collection stopped short.
    public var reasons: [String: String]
    /// Region id → why it was not listed completely.
    public var regions: [String: String]

    /// The file's name in the folder, without extension (`.json`, or `.yaml`/`.yml` as everywhere in the layout).
    public static let fileStem = "unfinished"
    /// Longest reason accepted (the writer cuts a longer one to this).
    public static let maxReasonLength = SavedAccounts.maxReasonLength

    public init(reasons: [String: String] = [:], regions: [String: String] = [:]) {
        self.reasons = reasons
        self.regions = regions
    }

    /// Decodes the file's document, `source` naming the file in errors; `clusters` are the folder's cluster ids.
    public static func decode(_ document: JSONValue, source: String, clusters: Set<String>)
        throws(EvidenceFileError) -> SavedUnfinished
    {
        func refuse(_ problem: String) -> EvidenceFileError { .unexpectedContent(path: source, problem: problem) }
        guard document.objectValue != nil else {
            throw refuse("expected an object with \"regions\" and \"clusters\" arrays")
        }
        let reasons = try entries(document, "clusters", key: "clusterId", noun: "cluster", refuse: refuse) { id in
            clusters.contains(id)
                ? nil
                : "cluster \(SavedAccounts.quoted(id)) is not a cluster of the folder (clusters.json or clusters/<id>.json)"
        }
        let regions = try entries(document, "regions", key: "regionId", noun: "region", refuse: refuse) { id in
            Identifier.regionId.accepts(id) ? nil : "region id \(SavedAccounts.quoted(id)) is not a region id"
        }
        return SavedUnfinished(reasons: reasons, regions: regions)
    }

    /// The `member` array (absent or `null`: none) of `{key, "reason"}` objects, as id → reason; `problem` says why
    /// an id is refused. An id twice, or a reason that is not a non-empty string of at most ``maxReasonLength``
    /// characters, is refused.
    private static func entries(
        _ document: JSONValue, _ member: String, key: String, noun: String, refuse: (String) -> EvidenceFileError,
        problem: (String) -> String?
    ) throws(EvidenceFileError) -> [String: String] {
        let items: [JSONValue]
        switch document[member] {
        case nil, .null?: return [:]
        case .array(let array)?: items = array
        default: throw refuse("\"\(member)\" is not an array")
        }
        var reasons: [String: String] = [:]
        var places: [String: Int] = [:]
        for (index, entry) in items.enumerated() {
            let place = "\(member) item \(index + 1)"
            guard entry.objectValue != nil else { throw refuse("\(place) is not an object") }
            guard let id = entry[key]?.stringValue else { throw refuse("\(place) has no \"\(key)\" string") }
            if let problem = problem(id) { throw refuse("\(place): \(problem)") }
            if let earlier = places[id] {
                throw refuse("\(noun) \(id) appears twice (\(member) items \(earlier + 1) and \(index + 1))")
            }
            places[id] = index
            guard let reason = entry["reason"]?.stringValue, !reason.isEmpty else {
                throw refuse("\(noun) \(id): \"reason\" is missing, empty or not a string")
            }
            guard reason.count <= maxReasonLength else {
                throw refuse("\(noun) \(id): \"reason\" is longer than \(maxReasonLength) characters")
            }
            reasons[id] = reason
        }
        return reasons
    }

    /// The file's document: regions and clusters by id, so one folder gives the same bytes.
    public var document: JSONValue {
        func items(_ reasons: [String: String], key: String) -> JSONValue {
            .array(reasons.keys.sorted().map { id in .object([key: .string(id), "reason": .string(reasons[id]!)]) })
        }
        return .object(["regions": items(regions, key: "regionId"), "clusters": items(reasons, key: "clusterId")])
    }
}

/// The clusters a ``SavedEvidenceWriter`` wrote whose collection stopped short, gathered from concurrent writes, and
/// the regions not listed completely.
final class UnfinishedLedger: Sendable {
    private let reasons = Mutex([String: String]())
    private let regions = Mutex([String: String]())

    /// Records `documents`' ``ClusterDocuments/collectionError``, cut to ``SavedUnfinished/maxReasonLength``
    /// characters; a cluster written again without one keeps the first.
    func record(_ documents: ClusterDocuments) {
        guard let reason = documents.collectionError else { return }
        let text = AccountLedger.cut(reason.isEmpty ? "no reason given" : reason)
        reasons.withLock { $0[documents.clusterId] = text }
    }

    /// Records a region not listed completely; refuses an id that is not a region id (it is not read back).
    func recordRegion(_ region: String, reason: String, source: String) throws(EvidenceFileError) {
        try EvidenceDecoding.requireIdentifier(region, .regionId, source: source)
        let text = AccountLedger.cut(reason.isEmpty ? "no reason given" : reason)
        regions.withLock { $0[region] = text }
    }

    /// What was recorded, as the file says it; `nil` when every region was listed and every cluster collected.
    var file: SavedUnfinished? {
        let reasons = reasons.withLock { $0 }
        let regions = regions.withLock { $0 }
        return reasons.isEmpty && regions.isEmpty ? nil : SavedUnfinished(reasons: reasons, regions: regions)
    }
}
