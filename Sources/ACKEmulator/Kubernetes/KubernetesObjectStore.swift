public import Audit
import Crypto
public import Foundation

/// The objects of one emulated cluster's Kubernetes API, with the API server's read and write semantics:
/// lists with `limit`/`continue`, JSON merge and strategic merge patches, updates conditional on
/// `metadata.resourceVersion`, a new `resourceVersion` on every change, and DaemonSet generations whose status
/// catches up at once (so a rollout restart completes).
public struct KubernetesObjectStore: Sendable {
    private struct Key: Hashable, Comparable {
        var namespace: String
        var name: String

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
        }

        var text: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
    }

    private var objectsByKind: [String: [Key: JSONValue]] = [:]
    private var lastResourceVersion = 0
    private var createdCount = 0
    private let creationTimestamp: String

    public init() {
        self.init(creationTime: Date())
    }

    /// A store that stamps objects inserted without `creationTimestamp` with `creationTime`.
    public init(creationTime: Date) {
        creationTimestamp = Self.timestamp(creationTime)
    }

    /// The store's current `resourceVersion` (the newest any object has).
    public var resourceVersion: String { String(lastResourceVersion) }

    /// Adds or replaces an object (`apiVersion`, `kind`, `metadata{name, namespace, labels}`, ...). Assigns `uid`,
    /// `resourceVersion` and `creationTimestamp` when missing, `namespace: default` to a namespaced object without
    /// one, and `generation: 1` to a DaemonSet without one. Objects without `kind` or `metadata.name` are ignored.
    public mutating func insert(_ object: JSONValue) {
        guard case .object(var members) = object, let kind = members["kind"]?.stringValue,
            case .object(var metadata)? = members["metadata"], let name = metadata["name"]?.stringValue,
            !name.isEmpty
        else { return }
        let type = KubernetesResourceType.byKind(kind)
        if let type {
            members["apiVersion"] = members["apiVersion"] ?? .string(type.apiVersion)
            if type.namespaced, (metadata["namespace"]?.stringValue ?? "").isEmpty {
                metadata["namespace"] = "default"
            }
            if !type.namespaced { metadata["namespace"] = nil }
        }
        let namespace = metadata["namespace"]?.stringValue ?? ""
        if let existing = metadata["resourceVersion"]?.stringValue, let number = Int(existing) {
            lastResourceVersion = max(lastResourceVersion, number)
        } else {
            lastResourceVersion += 1
            metadata["resourceVersion"] = .string(String(lastResourceVersion))
        }
        createdCount += 1
        if metadata["uid"]?.stringValue == nil {
            metadata["uid"] = .string(Self.uid(kind: kind, namespace: namespace, name: name, sequence: createdCount))
        }
        if metadata["creationTimestamp"]?.stringValue == nil {
            metadata["creationTimestamp"] = .string(creationTimestamp)
        }
        if kind == "DaemonSet", metadata["generation"]?.intValue == nil { metadata["generation"] = 1 }
        if kind == "Node", case .object(var status)? = members["status"], case .object(let info)? = status["nodeInfo"] {
            let seed = metadata["uid"]?.stringValue ?? name
            status["nodeInfo"] = .object(Self.completeNodeInfo(info, seed: seed))
            members["status"] = .object(status)
        }
        members["metadata"] = .object(metadata)
        objectsByKind[kind, default: [:]][Key(namespace: namespace, name: name)] = .object(members)
    }

    /// The objects of `kind`, sorted by namespace, then name.
    public func objects(kind: String) -> [JSONValue] {
        (objectsByKind[kind] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    /// One object, or `nil`.
    public func object(kind: String, namespace: String?, name: String) -> JSONValue? {
        objectsByKind[kind]?[Key(namespace: namespace ?? "", name: name)]
    }

    /// Removes an object; returns whether it existed.
    @discardableResult
    public mutating func remove(kind: String, namespace: String?, name: String) -> Bool {
        objectsByKind[kind]?.removeValue(forKey: Key(namespace: namespace ?? "", name: name)) != nil
    }

    // MARK: - API operations

    /// `GET` of one object (404 `Status` when absent).
    func get(_ type: KubernetesResourceType, namespace: String?, name: String) throws(KubernetesAPIError)
        -> JSONValue
    {
        guard let found = object(kind: type.kind, namespace: namespace, name: name) else {
            throw .notFound(resource: type.resource, group: type.group, name: name)
        }
        return found
    }

    /// A list page as the API server returns it: `{"kind":"<Kind>List","apiVersion",
    /// "metadata":{"resourceVersion","continue"?,"remainingItemCount"?},"items":[…]}`; items carry no
    /// `kind`/`apiVersion`, like the real server's. `limit` 0 or `nil` means everything.
    func list(_ type: KubernetesResourceType, namespace: String?, limit: Int?, continueToken: String?)
        throws(KubernetesAPIError) -> JSONValue
    {
        var entries = (objectsByKind[type.kind] ?? [:]).sorted { $0.key < $1.key }
        if let namespace { entries = entries.filter { $0.key.namespace == namespace } }
        if let continueToken, !continueToken.isEmpty {
            let start = try Self.decodeContinue(continueToken)
            entries = entries.filter { $0.key.text > start }
        }
        var page = entries
        var metadata: [String: JSONValue] = ["resourceVersion": .string(resourceVersion)]
        if let limit, limit > 0, entries.count > limit {
            page = Array(entries.prefix(limit))
            metadata["continue"] = .string(
                Self.encodeContinue(after: page[page.count - 1].key.text, rv: lastResourceVersion))
            metadata["remainingItemCount"] = .number(Double(entries.count - limit))
        }
        let items = page.map { entry -> JSONValue in
            guard case .object(var members) = entry.value else { return entry.value }
            members["kind"] = nil
            members["apiVersion"] = nil
            return .object(members)
        }
        return [
            "kind": .string(type.kind + "List"), "apiVersion": .string(type.apiVersion),
            "metadata": .object(metadata), "items": .array(items),
        ]
    }

    /// Applies a JSON merge patch (`strategic == false`) or a strategic merge patch to an object.
    mutating func patch(
        _ type: KubernetesResourceType, namespace: String?, name: String, patch: JSONValue, strategic: Bool
    ) throws(KubernetesAPIError) -> JSONValue {
        let current = try get(type, namespace: namespace, name: name)
        guard case .object = patch else {
            throw .badRequest("the patch must be a JSON object")
        }
        if let wanted = patch["metadata"]?["resourceVersion"]?.stringValue, !wanted.isEmpty,
            wanted != current["metadata"]?["resourceVersion"]?.stringValue
        {
            throw .conflict(resource: type.resource, group: type.group, name: name)
        }
        let patched =
            strategic
            ? KubernetesMergePatch.strategic(current, patch) : KubernetesMergePatch.merge(current, patch)
        return try store(type, namespace: namespace, name: name, current: current, proposed: patched)
    }

    /// `PUT`: replaces an object; a non-empty `metadata.resourceVersion` must be the current one (409 otherwise).
    mutating func replace(_ type: KubernetesResourceType, namespace: String?, name: String, object: JSONValue)
        throws(KubernetesAPIError) -> JSONValue
    {
        let current = try get(type, namespace: namespace, name: name)
        guard case .object = object else { throw .badRequest("the body must be a JSON object") }
        if let kind = object["kind"]?.stringValue, kind != type.kind {
            throw .badRequest("\(type.kind) in version \"\(type.version)\" cannot be handled as a \(kind)")
        }
        let bodyName = object["metadata"]?["name"]?.stringValue ?? ""
        guard bodyName == name else {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if let wanted = object["metadata"]?["resourceVersion"]?.stringValue, !wanted.isEmpty,
            wanted != current["metadata"]?["resourceVersion"]?.stringValue
        {
            throw .conflict(resource: type.resource, group: type.group, name: name)
        }
        return try store(type, namespace: namespace, name: name, current: current, proposed: object)
    }

    /// Validates `proposed`, keeps the fields clients cannot change, and saves it with a new `resourceVersion`
    /// unless nothing changed.
    private mutating func store(
        _ type: KubernetesResourceType, namespace: String?, name: String, current: JSONValue, proposed: JSONValue
    ) throws(KubernetesAPIError) -> JSONValue {
        guard case .object(var members) = proposed, case .object(let currentMembers) = current,
            case .object(let currentMetadata)? = currentMembers["metadata"]
        else { throw .badRequest("the object must be a JSON object") }
        guard case .object(var metadata)? = members["metadata"] else {
            throw .badRequest("metadata: Required value")
        }
        if let proposedName = metadata["name"]?.stringValue, proposedName != name {
            throw .badRequest("the name of the object (\(proposedName)) does not match the name on the URL (\(name))")
        }
        if type.namespaced, let proposedNamespace = metadata["namespace"]?.stringValue, !proposedNamespace.isEmpty,
            proposedNamespace != namespace
        {
            throw .badRequest(
                "the namespace of the provided object does not match the namespace sent on the request")
        }
        try Self.validate(type, members)
        members["kind"] = .string(type.kind)
        members["apiVersion"] = .string(type.apiVersion)
        for field in ["name", "namespace", "uid", "creationTimestamp", "resourceVersion", "generation"] {
            metadata[field] = currentMetadata[field]
        }
        // Updates of the main resource never change status (it has its own subresource).
        members["status"] = currentMembers["status"]
        members["metadata"] = .object(metadata)
        if .object(members) == current { return current }

        if type.kind == "DaemonSet" {
            var generation = currentMetadata["generation"]?.intValue ?? 1
            if members["spec"] != currentMembers["spec"] { generation += 1 }
            metadata["generation"] = .number(Double(generation))
            members["status"] = Self.rolledOut(status: members["status"], generation: generation)
        }
        lastResourceVersion += 1
        metadata["resourceVersion"] = .string(String(lastResourceVersion))
        members["metadata"] = .object(metadata)
        let saved = JSONValue.object(members)
        objectsByKind[type.kind, default: [:]][Key(namespace: namespace ?? "", name: name)] = saved
        return saved
    }

    /// A DaemonSet status in which the controller has observed `generation` and every scheduled pod is updated,
    /// ready and available.
    private static func rolledOut(status: JSONValue?, generation: Int) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        if case .object(let existing)? = status { fields = existing }
        let desired = fields["desiredNumberScheduled"] ?? 0
        fields["observedGeneration"] = .number(Double(generation))
        fields["currentNumberScheduled"] = desired
        fields["updatedNumberScheduled"] = desired
        fields["numberReady"] = desired
        fields["numberAvailable"] = desired
        fields["numberUnavailable"] = nil
        return .object(fields)
    }

    private static func validate(_ type: KubernetesResourceType, _ members: [String: JSONValue])
        throws(KubernetesAPIError)
    {
        func stringMap(_ value: JSONValue?, field: String) throws(KubernetesAPIError) {
            switch value {
            case nil, .null: return
            case .object(let entries):
                for (key, entry) in entries where entry.stringValue == nil {
                    throw .badRequest(
                        "\(type.kind) in version \"\(type.version)\" cannot be handled as a \(type.kind): json: "
                            + "cannot unmarshal \(entry.jsonTypeName) into Go struct field \(field) of type string "
                            + "(key \(key))")
                }
            default:
                throw .badRequest(
                    "\(type.kind) in version \"\(type.version)\" cannot be handled as a \(type.kind): json: cannot "
                        + "unmarshal \(value?.jsonTypeName ?? "value") into Go struct field \(field) of type "
                        + "map[string]string")
            }
        }
        try stringMap(members["metadata"]?["labels"], field: "ObjectMeta.metadata.labels")
        try stringMap(members["metadata"]?["annotations"], field: "ObjectMeta.metadata.annotations")
        if type.kind == "ConfigMap" {
            try stringMap(members["data"], field: "ConfigMap.data")
            try stringMap(members["binaryData"], field: "ConfigMap.binaryData")
        }
    }

    // MARK: - Continue tokens (base64 JSON, like the API server's)

    private static func encodeContinue(after key: String, rv: Int) -> String {
        let token: JSONValue = ["v": "meta.k8s.io/v1", "rv": .number(Double(rv)), "start": .string(key + "\u{0}")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(token).base64EncodedString()
        } catch {
            return ""
        }
    }

    private static func decodeContinue(_ token: String) throws(KubernetesAPIError) -> String {
        let invalid = KubernetesAPIError.badRequest("continue key is not valid: \(token)")
        guard let data = Data(base64Encoded: token) else { throw invalid }
        let json: JSONValue
        do {
            json = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw invalid
        }
        guard json["v"]?.stringValue == "meta.k8s.io/v1", var start = json["start"]?.stringValue,
            start.hasSuffix("\u{0}")
        else { throw invalid }
        start.removeLast()
        return start
    }

    /// `status.nodeInfo` with every field the API server always sends (all required by the official clients'
    /// models) filled in when missing: identifiers derived from `seed`, versions from the kubelet's.
    private static func completeNodeInfo(_ info: [String: JSONValue], seed: String) -> [String: JSONValue] {
        var info = info
        let digest = SHA256.hash(data: Data(seed.utf8)).map { String(format: "%02x", $0) }.joined()
        let characters = Array(digest)
        let uuid = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
        let kubelet = info["kubeletVersion"]?.stringValue ?? "v1.31.1-aliyun.1"
        let defaults: [String: String] = [
            "architecture": "amd64", "bootID": uuid, "containerRuntimeVersion": "containerd://1.6.28",
            "kernelVersion": "5.10.134-16.3.al8.x86_64", "kubeProxyVersion": kubelet, "kubeletVersion": kubelet,
            "machineID": String(characters[32..<64]), "operatingSystem": "linux",
            "osImage": "Alibaba Cloud Linux 3.2104 U10 (OpenAnolis Edition)", "systemUUID": uuid.uppercased(),
        ]
        for (key, value) in defaults where info[key]?.stringValue == nil { info[key] = .string(value) }
        return info
    }

    // MARK: - Identifiers

    private static func uid(kind: String, namespace: String, name: String, sequence: Int) -> String {
        let digest = SHA256.hash(data: Data("\(kind)/\(namespace)/\(name)/\(sequence)".utf8))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        let characters = Array(hex.prefix(32))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

extension JSONValue {
    /// The Go JSON type name used in decoding errors (`number`, `bool`, `object`, ...).
    fileprivate var jsonTypeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
