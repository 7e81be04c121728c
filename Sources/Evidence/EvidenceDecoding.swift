public import Audit

/// Turns API documents (as saved by `ackguard collect`, `aliyun`, `kubectl -o json|yaml`, or received live) into
/// evidence. The live collector and `--from` share this code, so a collected folder re-audits identically.
public enum EvidenceDecoding {
    // MARK: Layer 1

    /// The cluster objects in a listing document: a `GET /api/v1/clusters` page (`{"clusters":[…],"page_info":…}`),
    /// the legacy `GET /clusters` bare array, or an array of pages. Each entry's `cluster_id` and `region_id` are
    /// checked here (see ``requireCluster(_:source:)``). `"clusters": null` is refused: the API answers an empty
    /// region with `[]`, so a null says the answer is not what it claims, and it must not read as "no clusters".
    public static func clusterObjects(inListing listing: JSONValue, source: String) throws(EvidenceFileError)
        -> [JSONValue]
    {
        switch listing {
        case .object(let members):
            if let clusters = members["clusters"] {
                guard let items = clusters.arrayValue else {
                    let found = clusters.isNull ? "null" : "not an array"
                    throw .unexpectedContent(
                        path: source, problem: "\"clusters\" is \(found); expected an array of clusters")
                }
                return try items.map { item throws(EvidenceFileError) in try requireCluster(item, source: source) }
            }
            if members["cluster_id"] != nil { return [listing] }
            throw .unexpectedContent(
                path: source, problem: "expected a cluster listing (an object with \"clusters\", or an array)")
        case .array(let items):
            var clusters: [JSONValue] = []
            for item in items {
                if item["clusters"] != nil {
                    clusters += try clusterObjects(inListing: item, source: source)
                } else {
                    clusters.append(try requireCluster(item, source: source))
                }
            }
            return clusters
        default:
            throw .unexpectedContent(path: source, problem: "expected a cluster listing (an object or an array)")
        }
    }

    /// A cluster object whose `cluster_id` (a non-empty string) and `region_id` (when present) have their documented
    /// shapes: the id becomes a folder name in the saved layout and a URL path segment in API calls, the region a
    /// host name, so a value like `../../x` is refused here, where it enters, naming the value and `source`.
    public static func requireCluster(_ item: JSONValue, source: String) throws(EvidenceFileError) -> JSONValue {
        guard item.objectValue != nil, let id = item["cluster_id"]?.stringValue, !id.isEmpty else {
            throw .unexpectedContent(path: source, problem: "a cluster entry has no \"cluster_id\"")
        }
        try requireIdentifier(id, .clusterId, source: source)
        if let region = item["region_id"], !region.isNull {
            guard let text = region.stringValue else {
                throw .unexpectedContent(
                    path: source, problem: "cluster \(id): \"region_id\" is not a string")
            }
            try requireIdentifier(text, .regionId, source: source, cluster: id)
        }
        return item
    }

    /// Refuses `value` unless it has `kind`'s shape; the message names the value (escaped) and, for fields of a
    /// cluster, the cluster.
    public static func requireIdentifier(
        _ value: String, _ kind: Identifier, source: String, cluster: String? = nil
    ) throws(EvidenceFileError) {
        guard let problem = kind.problem(with: value) else { return }
        throw .unexpectedContent(
            path: InertText.escaped(source), problem: (cluster.map { "cluster \($0): " } ?? "") + problem)
    }

    /// The declared total of a listing page (`page_info.total_count`), if any.
    public static func totalCount(ofPage page: JSONValue) -> Int? {
        page["page_info"]?["total_count"]?.intValue
    }

    /// Merges several descriptions of one cluster (listing, detail) into a record; later ones win field by field.
    public static func record(from objects: [(value: JSONValue, source: String)]) -> ClusterRecord {
        var merged: [String: JSONValue] = [:]
        for object in objects {
            for (key, value) in object.value.objectValue ?? [:] where !value.isNull {
                merged[key] = value
            }
        }
        let raw = JSONValue.object(merged)
        func text(_ key: String) -> String? { raw[key]?.scalarText }
        var record = ClusterRecord(
            clusterId: text("cluster_id") ?? "", name: text("name") ?? "", regionId: text("region_id") ?? "",
            clusterType: text("cluster_type"), profile: text("profile"), state: text("state"),
            currentVersion: text("current_version"), size: raw["size"]?.intValue,
            sources: objects.map(\.source), raw: raw)
        if case .string(let url)? = raw["master_url"] { record.masterURL = url }
        for tag in raw["tags"]?.arrayValue ?? [] {
            if let key = tag["key"]?.scalarText { record.tags[key] = tag["value"]?.scalarText ?? "" }
        }
        switch raw["meta_data"] {
        case .string(let text)?:
            if text.isEmpty {
                break
            } else if let decoded = try? JSONValue.parse(text), decoded.objectValue != nil {
                record.metaData = decoded
            } else {
                record.metaDataProblem = "meta_data is not a JSON object"
            }
        case .object?: record.metaData = raw["meta_data"]
        case nil, .null?: break
        default: record.metaDataProblem = "meta_data is neither a JSON string nor an object"
        }
        if let parameters = raw["parameters"]?.objectValue {
            record.parameters = parameters.compactMapValues(\.scalarText)
            record.accountId = record.parameters?["ALIYUN::AccountId"]
        }
        if record.regionId.isEmpty, let region = record.parameters?["ALIYUN::Region"] { record.regionId = region }
        return record
    }

    // MARK: Layer 2

    /// An add-on instance document: GetClusterAddonInstance / DescribeClusterAddonInstance output, or the error the
    /// API answered (`AddonNotFound`, `ErrorClusterNotFound`, HTTP 404 → not found; anything else → failed).
    public static func addonLayer(_ document: JSONValue, source: String) -> Layer<JSONValue> {
        if let error = serviceError(document) {
            if error.notFound { return .notFound(source: source, detail: error.text) }
            return .failed(source: source, error: error.text)
        }
        return .read(document, source: source)
    }

    struct ServiceErrorBody {
        var text: String
        var notFound: Bool
    }

    static func serviceError(_ document: JSONValue) -> ServiceErrorBody? {
        guard document.objectValue != nil else { return nil }
        let code = (document["code"] ?? document["Code"])?.scalarText
        guard let code, document["name"] == nil || document["config"] == nil else { return nil }
        let message = (document["message"] ?? document["Message"])?.scalarText ?? ""
        let status = (document["status"] ?? document["Status"] ?? document["httpStatus"])?.intValue
        let notFound =
            code == "AddonNotFound" || code == "ErrorClusterNotFound" || code == "404" || status == 404
            || code.hasSuffix(".NotFound") || code == "NotFound"
        var text = code
        if !message.isEmpty { text += ": " + message }
        if let status { text += " (HTTP \(status))" }
        return ServiceErrorBody(text: text, notFound: notFound)
    }

    // MARK: Layers 3 and 4

    /// A Kubernetes `Status` object: 404 → not found, other codes → failed. `nil` when the document is not a Status.
    static func kubernetesStatus(_ document: JSONValue, source: String) -> (notFound: Bool, text: String)? {
        guard document["kind"]?.stringValue == "Status" else { return nil }
        let code = document["code"]?.intValue
        let reason = document["reason"]?.stringValue
        let message = document["message"]?.stringValue
        var text = [code.map { "HTTP \($0)" }, reason, message].compactMap { $0 }.joined(separator: " ")
        if text.isEmpty { text = "Status \(document["status"]?.stringValue ?? "Failure")" }
        return (code == 404 || reason == "NotFound", text)
    }

    /// `kube-system/eni-config`: a ConfigMap, or a Status.
    public static func configMapLayer(_ document: JSONValue, source: String) throws(EvidenceFileError)
        -> Layer<JSONValue>
    {
        if let status = kubernetesStatus(document, source: source) {
            return status.notFound
                ? .notFound(source: source, detail: status.text) : .failed(source: source, error: status.text)
        }
        if let kind = document["kind"]?.stringValue, kind != "ConfigMap" {
            throw .unexpectedContent(path: source, problem: "expected a ConfigMap or a Status, found kind \(kind)")
        }
        guard document.objectValue != nil else {
            throw .unexpectedContent(path: source, problem: "expected a ConfigMap object")
        }
        if let data = document["data"], !data.isNull, data.objectValue == nil {
            throw .unexpectedContent(path: source, problem: "ConfigMap \"data\" is not an object")
        }
        return .read(document, source: source)
    }

    /// A list (`kubectl get … -o json`: `{"kind":"XList"|"List","items":[…]}`), or a Status.
    public static func listLayer(_ document: JSONValue, source: String, expectedKind: String) throws(EvidenceFileError)
        -> Layer<[JSONValue]>
    {
        if let status = kubernetesStatus(document, source: source) {
            return status.notFound
                ? .notFound(source: source, detail: status.text) : .failed(source: source, error: status.text)
        }
        if case .array(let items) = document { return .read(items, source: source) }
        guard let items = document["items"] else {
            throw .unexpectedContent(
                path: source, problem: "expected a \(expectedKind)List (an object with \"items\") or a Status")
        }
        if items.isNull { return .read([], source: source) }
        guard let array = items.arrayValue else {
            throw .unexpectedContent(path: source, problem: "\"items\" is not an array")
        }
        for item in array {
            if let kind = item["kind"]?.stringValue, kind != expectedKind {
                throw .unexpectedContent(path: source, problem: "expected \(expectedKind) items, found kind \(kind)")
            }
        }
        return .read(array, source: source)
    }
}
