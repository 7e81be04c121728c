import Foundation
public import JSON

/// A typed view of a Kubernetes object that also keeps the object exactly as received (`raw`).
public protocol KubernetesResource: Sendable, Decodable {
    /// The `kind` of the object, for example `ConfigMap`.
    static var kind: String { get }
    var metadata: ObjectMeta { get }
    /// The object as the API server sent it.
    var raw: JSONValue { get set }
}

extension KubernetesResource {
    /// Decodes the typed fields of `json` and keeps `json` as ``raw``.
    public init(json: JSONValue) throws {
        let data: Data
        do {
            data = try JSONEncoder().encode(json)
        } catch {
            throw KubernetesError.invalidResponse("\(Self.kind): cannot re-encode the object")
        }
        do {
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch let error as DecodingError {
            let name = json["metadata"]?["name"]?.stringValue ?? "<unnamed>"
            throw KubernetesError.invalidResponse("\(Self.kind) \(name): \(Self.describe(error))")
        }
        self.raw = json
    }

    /// Namespace and name, `namespace/name` or just `name` for cluster-scoped objects.
    public var qualifiedName: String {
        if let namespace = metadata.namespace, !namespace.isEmpty { return "\(namespace)/\(metadata.name)" }
        return metadata.name
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return path.isEmpty ? "<object>" : path.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context): return "field \(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "field \(path(context)): expected \(type), found null"
        case .keyNotFound(let key, let context): return "field \(path(context)).\(key.stringValue): missing"
        case .dataCorrupted(let context): return "field \(path(context)): malformed"
        @unknown default: return "malformed"
        }
    }
}
