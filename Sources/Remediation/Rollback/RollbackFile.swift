public import Foundation

/// A rollback file: the state of every cluster before `ackguard fix --apply` first wrote to it. JSON, mode 0600,
/// replaced atomically at each change; it never holds a secret or a kubeconfig.
public struct RollbackFile: Sendable, Hashable, Codable {
    /// 2: entries carry the after-values and the digest that proves them (files of version 1 cannot be verified).
    public static let currentSchemaVersion = 2
    /// A rollback file of one run holds a few records per cluster; anything near this is not one ackguard wrote.
    public static let maximumSize = 4 << 20
    public static let maximumClusters = 10_000
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

    /// Reads and checks a rollback file: a regular file of bounded size, JSON of the expected kind and version, and
    /// every entry in the shape ackguard writes, with a digest that matches its record (``RollbackProof``).
    public static func load(from url: URL) throws(RemediationError) -> RollbackFile {
        let path = url.path
        let data = try read(path)
        let file: RollbackFile
        do {
            file = try JSONDecoder().decode(RollbackFile.self, from: data)
        } catch let error as DecodingError {
            throw .rollbackFileInvalid(path: path, detail: describe(error))
        } catch {
            throw .rollbackFileInvalid(path: path, detail: "\(error)")
        }
        guard file.kind == kindName else {
            throw .rollbackFileInvalid(
                path: path, detail: "kind is \(RollbackProof.quoted(file.kind)), not \"\(kindName)\"")
        }
        guard file.schemaVersion == currentSchemaVersion else {
            throw .rollbackFileInvalid(
                path: path,
                detail: "schemaVersion \(file.schemaVersion) is not supported (expected \(currentSchemaVersion); "
                    + "files written before rollback proofs cannot be verified)")
        }
        guard file.clusters.count <= maximumClusters else {
            throw .rollbackFileInvalid(path: path, detail: "more than \(maximumClusters) clusters")
        }
        var seen: Set<String> = []
        for (index, entry) in file.clusters.enumerated() {
            if let problem = RollbackProof.problem(in: entry) {
                throw .rollbackFileInvalid(path: path, detail: "clusters[\(index)]: \(problem)")
            }
            guard seen.insert(entry.clusterId).inserted else {
                throw .rollbackFileInvalid(
                    path: path, detail: "clusters[\(index)]: cluster \(entry.clusterId) is recorded twice")
            }
        }
        return file
    }

    /// The bytes of a regular file no larger than ``maximumSize`` (a FIFO, a device or a folder is refused before
    /// it is read).
    static func read(_ path: String) throws(RemediationError) -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw .rollbackFileUnreadable(path: path, detail: error.localizedDescription)
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw .rollbackFileUnreadable(path: path, detail: "not a regular file")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > maximumSize {
            throw .rollbackFileInvalid(path: path, detail: "larger than \(maximumSize >> 20) MiB")
        }
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            let data = try handle.read(upToCount: maximumSize + 1) ?? Data()
            guard data.count <= maximumSize else {
                throw RemediationError.rollbackFileInvalid(path: path, detail: "larger than \(maximumSize >> 20) MiB")
            }
            return data
        } catch let error as RemediationError {
            throw error
        } catch {
            throw .rollbackFileUnreadable(path: path, detail: error.localizedDescription)
        }
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
