public import Audit

/// One write ackguard made: what, where, the value before and after, and the request id (CS) or resource versions
/// (Kubernetes). Reported in the plan/apply output, the JSON report and the rollback file.
public struct WriteRecord: Sendable, Hashable, Codable {
    public var clusterId: String
    public var regionId: String
    /// The API call: `ModifyClusterAddon`, `PATCH configmaps`, `PATCH daemonsets`, `CreateCluster`.
    public var api: String
    /// What was written, e.g. `terway-eniip add-on config` or `kube-system/eni-config data.disable_network_policy`.
    public var target: String
    /// The value before the write (`nil`: there was none, e.g. a key that was absent).
    public var before: String?
    /// The value after the write, as read back (`nil`: now absent).
    public var after: String?
    /// The CS request id, when the API gave one.
    public var requestId: String?
    public var resourceVersionBefore: String?
    public var resourceVersionAfter: String?
    /// RFC 3339, when the write was answered.
    public var at: String
    /// Anything else worth knowing (conflicts retried, the task followed, …).
    public var note: String?

    public init(
        clusterId: String, regionId: String, api: String, target: String, before: String?, after: String?,
        requestId: String? = nil, resourceVersionBefore: String? = nil, resourceVersionAfter: String? = nil,
        at: String, note: String? = nil
    ) {
        self.clusterId = clusterId
        self.regionId = regionId
        self.api = api
        self.target = target
        self.before = before
        self.after = after
        self.requestId = requestId
        self.resourceVersionBefore = resourceVersionBefore
        self.resourceVersionAfter = resourceVersionAfter
        self.at = at
        self.note = note
    }

    /// The record as a JSON object (keys sorted when serialized; absent values are `null`).
    public var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "clusterId": .string(clusterId), "regionId": .string(regionId), "api": .string(api),
            "target": .string(target), "before": text(before), "after": text(after), "requestId": text(requestId),
            "resourceVersionBefore": text(resourceVersionBefore), "resourceVersionAfter": text(resourceVersionAfter),
            "at": .string(at), "note": text(note),
        ]
    }
}
