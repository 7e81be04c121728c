public import Foundation

/// The rollback file of one `fix --apply` run. The file is created when the first cluster's prior state is recorded
/// (before any write to it) and replaced atomically after every write, so a run stopped at any point leaves a file
/// that describes exactly what to restore.
public actor RollbackJournal {
    public nonisolated let directory: URL
    private let stem: String
    private var file: RollbackFile
    private var url: URL?

    /// `stem` names the file (`ackguard-fix-20250101T120000Z` → `…/ackguard-fix-20250101T120000Z.json`).
    public init(directory: URL, stem: String, toolVersion: String, createdAt: String, source: String) {
        self.directory = directory
        self.stem = stem
        self.file = RollbackFile(toolVersion: toolVersion, createdAt: createdAt, source: source)
    }

    /// The file, once something was recorded.
    public var path: String? { url?.path }

    public var contents: RollbackFile { file }

    /// Records a cluster's prior state. Throws (and nothing may be written to the cluster) when the file cannot be
    /// written.
    public func record(_ entry: RollbackEntry, at timestamp: String) throws(RemediationError) {
        file.clusters.removeAll { $0.clusterId == entry.clusterId }
        file.clusters.append(entry)
        file.updatedAt = timestamp
        try save()
    }

    /// Appends a write to its cluster's entry.
    public func append(_ write: WriteRecord) throws(RemediationError) {
        guard let index = file.clusters.firstIndex(where: { $0.clusterId == write.clusterId }) else { return }
        file.clusters[index].writes.append(write)
        file.updatedAt = write.at
        try save()
    }

    /// Drops a cluster's record when nothing was written to it after all (the file is kept, possibly empty).
    public func forget(clusterId: String, at timestamp: String) throws(RemediationError) {
        guard file.clusters.contains(where: { $0.clusterId == clusterId }) else { return }
        file.clusters.removeAll { $0.clusterId == clusterId }
        file.updatedAt = timestamp
        try save()
    }

    /// Records the ConfigMap's resourceVersion after ackguard's last write to it (outside the digest, see
    /// ``RollbackProof``).
    public func setAfterResourceVersion(_ version: String?, clusterId: String, at timestamp: String)
        throws(RemediationError)
    {
        guard let index = file.clusters.firstIndex(where: { $0.clusterId == clusterId }) else { return }
        file.clusters[index].configMap.afterResourceVersion = version
        file.updatedAt = timestamp
        try save()
    }

    private func save() throws(RemediationError) {
        let target: URL
        do {
            if let url {
                target = url
            } else {
                try SecureFileWriter.ensureDirectory(directory)
                target = try SecureFileWriter.reserve(directory: directory, stem: stem)
                url = target
            }
            try SecureFileWriter.store(try file.encoded(), at: target)
        } catch {
            throw .rollbackFileUnwritable(path: url?.path ?? directory.path, detail: "\(error)")
        }
    }
}
