import Foundation

/// A rollback file: the state of every cluster before `ackguard fix --apply` first wrote to it. JSON, mode 0600,
/// replaced atomically at each change; it never holds a secret or a kubeconfig.
public struct RollbackFile: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1
    public static let kindName = "ackguard-rollback"

    public var schemaVersion: Int
    public var kind: String
    public var toolVersion: String
    /// RFC 3339.
    public var createdAt: String
    public var updatedAt: String
    /// Where the CS API was reached (an endpoint URL or "Alibaba Cloud CS API"), for the record.
    public var source: String
    public var clusters: [RollbackEntry]

    public init(toolVersion: String, createdAt: String, source: String, clusters: [RollbackEntry] = []) {
        self.schemaVersion = Self.currentSchemaVersion
        self.kind = Self.kindName
        self.toolVersion = toolVersion
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.source = source
        self.clusters = clusters
    }

    /// The file as written: pretty, keys sorted, a final newline.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Reads and checks a rollback file.
    public static func load(from url: URL) throws(RemediationError) -> RollbackFile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .rollbackFileUnreadable(path: url.path, detail: error.localizedDescription)
        }
        let file: RollbackFile
        do {
            file = try JSONDecoder().decode(RollbackFile.self, from: data)
        } catch let error as DecodingError {
            throw .rollbackFileInvalid(path: url.path, detail: describe(error))
        } catch {
            throw .rollbackFileInvalid(path: url.path, detail: "\(error)")
        }
        guard file.kind == kindName else {
            throw .rollbackFileInvalid(path: url.path, detail: "kind is \"\(file.kind)\", not \"\(kindName)\"")
        }
        guard file.schemaVersion == currentSchemaVersion else {
            throw .rollbackFileInvalid(
                path: url.path, detail: "schemaVersion \(file.schemaVersion) is not supported (expected 1)")
        }
        return file
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return path.isEmpty ? "the document" : path.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .keyNotFound(let key, let context): return "\(path(context)): \(key.stringValue) is missing"
        case .dataCorrupted(let context): return "\(path(context)): not valid JSON"
        @unknown default: return "not a rollback file"
        }
    }
}
