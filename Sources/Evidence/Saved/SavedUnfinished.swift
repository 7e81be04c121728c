public import Audit
import Synchronization

/// `unfinished.json` of a saved-evidence folder: the clusters whose collection stopped short of what the rules need
/// (``ClusterDocuments/collectionError``: the run's `--max-duration` ran out), with why.
///
/// ```json
/// {"clusters": [{"clusterId": "c…", "reason": "the cluster was not read within the run's time limit (--max-duration 600 s)"}]}
/// ```
///
/// Without it, the folder of a run cut short would hold such a cluster's listing entry alone, and `audit --from`
/// would decide it on that (a PASS, say) with no note, where the live run said UNKNOWN `collection-failed` and
/// exited 3. With it, `--from` gives the live findings and the same completeness note. Like `accounts.json` it is
/// ackguard's own file (the others stay exactly what the APIs returned), optional (a folder without it reads as
/// before), and written by `collect` only when a cluster was cut short.
///
/// Read as hostile input: every cluster must be one of the folder's and appear once, and the reason is a non-empty
/// string of at most ``maxReasonLength`` characters; each is a one-line error naming the file.
public struct SavedUnfinished: Sendable, Equatable {
    /// Cluster id → why its collection stopped short.
    public var reasons: [String: String]

    /// The file's name in the folder, without extension (`.json`, or `.yaml`/`.yml` as everywhere in the layout).
    public static let fileStem = "unfinished"
    /// Longest reason accepted (the writer cuts a longer one to this).
    public static let maxReasonLength = SavedAccounts.maxReasonLength

    public init(reasons: [String: String]) {
        self.reasons = reasons
    }

    /// Decodes the file's document, `source` naming the file in errors; `clusters` are the folder's cluster ids.
    public static func decode(_ document: JSONValue, source: String, clusters: Set<String>)
        throws(EvidenceFileError) -> SavedUnfinished
    {
        func refuse(_ problem: String) -> EvidenceFileError { .unexpectedContent(path: source, problem: problem) }
        guard document.objectValue != nil, let entries = document["clusters"]?.arrayValue else {
            throw refuse("expected an object with a \"clusters\" array")
        }
        var reasons: [String: String] = [:]
        var places: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let place = "clusters item \(index + 1)"
            guard entry.objectValue != nil else { throw refuse("\(place) is not an object") }
            guard let id = entry["clusterId"]?.stringValue else { throw refuse("\(place) has no \"clusterId\" string") }
            guard clusters.contains(id) else {
                throw refuse(
                    "\(place): cluster \(SavedAccounts.quoted(id)) is not a cluster of the folder "
                        + "(clusters.json or clusters/<id>.json)")
            }
            if let earlier = places[id] {
                throw refuse("cluster \(id) appears twice (clusters items \(earlier + 1) and \(index + 1))")
            }
            places[id] = index
            guard let reason = entry["reason"]?.stringValue, !reason.isEmpty else {
                throw refuse("cluster \(id): \"reason\" is missing, empty or not a string")
            }
            guard reason.count <= maxReasonLength else {
                throw refuse("cluster \(id): \"reason\" is longer than \(maxReasonLength) characters")
            }
            reasons[id] = reason
        }
        return SavedUnfinished(reasons: reasons)
    }

    /// The file's document: clusters by id, so one folder gives the same bytes.
    public var document: JSONValue {
        .object([
            "clusters": .array(
                reasons.keys.sorted().map { id in .object(["clusterId": .string(id), "reason": .string(reasons[id]!)]) }
            )
        ])
    }
}

/// The clusters a ``SavedEvidenceWriter`` wrote whose collection stopped short, gathered from concurrent writes.
final class UnfinishedLedger: Sendable {
    private let reasons = Mutex([String: String]())

    /// Records `documents`' ``ClusterDocuments/collectionError``, cut to ``SavedUnfinished/maxReasonLength``
    /// characters; a cluster written again without one keeps the first.
    func record(_ documents: ClusterDocuments) {
        guard let reason = documents.collectionError else { return }
        let text = AccountLedger.cut(reason.isEmpty ? "no reason given" : reason)
        reasons.withLock { $0[documents.clusterId] = text }
    }

    /// What was recorded, as the file says it; `nil` when every cluster was collected in full.
    var file: SavedUnfinished? {
        let reasons = reasons.withLock { $0 }
        return reasons.isEmpty ? nil : SavedUnfinished(reasons: reasons)
    }
}
