public import Audit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes the saved-evidence layout (`ackguard collect --out DIR`): what the APIs returned, as JSON.
///
/// Files are written atomically; the listing (`clusters.json`, an array of the pages read, all regions) is written
/// last, so an interrupted collection leaves no folder that looks complete. Kubeconfigs are never written.
///
/// Every file lands inside `directory`, provably: each path is built from components that are checked (cluster ids
/// and add-on names by ``Identifier``, file names from the fixed layout), the resolved parent must lie under the
/// resolved folder, and the folders are walked with `openat(O_NOFOLLOW)`, so a symlink planted inside the folder
/// (`addons -> /etc`) is refused rather than followed. Each file is created new (`O_EXCL | O_NOFOLLOW`) under a
/// temporary name and renamed into place, which replaces a link at the final name instead of writing through it.
///
/// Clusters written with an account (``ClusterDocuments/accountId``) and the accounts not audited
/// (``recordSkipped(_:)``) are remembered, and ``writeListing(pages:)`` writes them into `accounts.json`
/// (``SavedAccounts``) before the listing; a run without accounts writes no such file. Clusters whose collection
/// stopped short (``ClusterDocuments/collectionError``) go into `unfinished.json` (``SavedUnfinished``) the same way.
public struct SavedEvidenceWriter: Sendable {
    public let directory: String
    /// The accounts of the clusters written so far (copies of this writer share it).
    let ledger = AccountLedger()
    /// The clusters written whose collection stopped short, with why (copies of this writer share it).
    let unfinished = UnfinishedLedger()

    public init(directory: String) {
        self.directory = directory
    }

    /// Creates the folder; refuses a folder that already holds a `clusters.json` (no data is overwritten).
    public func prepare() throws(EvidenceFileError) {
        let listing = (directory as NSString).appendingPathComponent("clusters.json")
        var status = stat()
        if lstat(listing, &status) == 0 {
            throw .unexpectedContent(path: listing, problem: "already exists; choose an empty folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .unreadable(path: directory, reason: (error as NSError).localizedDescription)
        }
    }

    /// The per-cluster files: detail (when read), add-ons and Kubernetes documents. Refuses (writing nothing for the
    /// cluster) an id, add-on name or file name that is not a plain path component of its kind, and an account that
    /// `accounts.json` could not hold (an id that is not 16 digits, a cluster already written for another account).
    public func write(_ documents: ClusterDocuments) throws(EvidenceFileError) {
        let id = documents.clusterId
        try EvidenceDecoding.requireIdentifier(id, .clusterId, source: "collect --out \(directory)")
        for name in documents.addons.keys {
            try EvidenceDecoding.requireIdentifier(name, .addonName, source: "collect --out \(directory)", cluster: id)
        }
        for file in documents.kubernetes.keys where !SavedEvidenceReader.kubernetesFiles.contains(file) {
            throw .unexpectedContent(
                path: directory, problem: "cluster \(id): no Kubernetes file \(InertText.quoted(file)) in the layout")
        }
        try ledger.record(documents, source: "collect --out \(directory)")
        unfinished.record(documents)
        if documents.descriptions.contains(where: { $0.source.hasPrefix("clusters/") }) {
            // The detail's place follows from the checked id, never from the text of its source.
            let detail = documents.descriptions.last { $0.source.hasPrefix("clusters/") }!
            try write(detail.value, to: ["clusters", "\(id).json"])
        }
        for (name, document) in documents.addons.sorted(by: { $0.key < $1.key }) {
            try write(document, to: ["addons", id, "\(name).json"])
        }
        for (file, document) in documents.kubernetes.sorted(by: { $0.key < $1.key }) {
            try write(document, to: ["kubernetes", id, "\(file).json"])
        }
    }

    /// Remembers an account the run did not audit, for `accounts.json` (``SavedAccounts/skipped``): `audit --from`
    /// then says so as the live run did. Refuses an id or a name the file could not hold; cuts a long reason.
    public func recordSkipped(_ skipped: SavedAccounts.Skipped) throws(EvidenceFileError) {
        try ledger.recordSkipped(skipped, source: "collect --out \(directory)")
    }

    /// Remembers a region the run could not list completely, for `unfinished.json` (``SavedUnfinished/regions``):
    /// `audit --from` then says so as the live run did. Refuses an id that is not a region id; cuts a long reason.
    public func recordUnfinishedRegion(_ region: String, reason: String) throws(EvidenceFileError) {
        try unfinished.recordRegion(region, reason: reason, source: "collect --out \(directory)")
    }

    /// The listing: every page read, as an array of pages; first, when clusters were written with their accounts
    /// or accounts were not audited, `accounts.json`, and when regions or clusters were not finished,
    /// `unfinished.json`.
    public func writeListing(pages: [JSONValue]) throws(EvidenceFileError) {
        if let accounts = try ledger.file(source: "collect --out \(directory)") {
            try write(accounts.document, to: ["\(SavedAccounts.fileStem).json"])
        }
        if let unfinished = unfinished.file {
            try write(unfinished.document, to: ["\(SavedUnfinished.fileStem).json"])
        }
        try write(.array(pages), to: ["clusters.json"])
    }

    /// Writes `value` at `components` under the folder (the last one is the file name).
    func write(_ value: JSONValue, to components: [String]) throws(EvidenceFileError) {
        let display = ([directory] + components).joined(separator: "/")
        for component in components where !Self.isPlainComponent(component) {
            throw .unexpectedContent(
                path: directory, problem: "refusing to write \(InertText.quoted(component)): not a plain file name")
        }
        let folder = try OpenFolder(path: directory, display: display)
        var current = folder
        for component in components.dropLast() {
            current = try current.child(component, display: display)
        }
        try current.requireInside(folder, display: display)
        try current.writeAtomically(
            Array((value.serialized(pretty: true) + "\n").utf8), name: components.last!, display: display)
    }

    /// One path component that cannot leave its folder: not empty, not `.` or `..`, no `/`, no NUL, no control
    /// characters.
    static func isPlainComponent(_ component: String) -> Bool {
        !component.isEmpty && component != "." && component != ".." && !component.hasPrefix(".")
            && !component.unicodeScalars.contains { $0 == "/" || InertText.isActive($0) }
    }
}

/// A folder opened by descriptor, so what was checked is what is written to (no path re-resolution in between).
final class OpenFolder {
    let descriptor: Int32
    /// The resolved path of the folder, as the kernel names it.
    let resolved: String

    /// Opens the output folder itself (following links the user gave on the command line, as any tool would).
    init(path: String, display: String) throws(EvidenceFileError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure(display, "cannot open the folder \(path)", errno) }
        self.descriptor = descriptor
        self.resolved = Self.resolvedPath(of: descriptor, opened: path) ?? path
    }

    private init(descriptor: Int32, resolved: String) {
        self.descriptor = descriptor
        self.resolved = resolved
    }

    deinit { close(descriptor) }

    /// The sub-folder `name`, created when missing; a symlink or anything but a folder there is refused.
    func child(_ name: String, display: String) throws(EvidenceFileError) -> OpenFolder {
        if mkdirat(descriptor, name, 0o755) != 0 && errno != EEXIST {
            throw Self.failure(display, "cannot create the folder \(name)", errno)
        }
        let child = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard child >= 0 else {
            throw Self.failure(display, "\(name) is not a folder (a symbolic link is not followed)", errno)
        }
        let path = resolved + "/" + name
        return OpenFolder(descriptor: child, resolved: Self.resolvedPath(of: child, opened: path) ?? path)
    }

    /// Resolve, then check: this folder's real path is the output folder's or lies under it.
    func requireInside(_ root: OpenFolder, display: String) throws(EvidenceFileError) {
        let base = root.resolved.hasSuffix("/") ? root.resolved : root.resolved + "/"
        guard resolved == root.resolved || resolved.hasPrefix(base) else {
            throw .unexpectedContent(path: display, problem: "resolves to \(resolved), outside \(root.resolved)")
        }
    }

    /// Writes `bytes` to a new temporary file and renames it to `name`.
    func writeAtomically(_ bytes: [UInt8], name: String, display: String) throws(EvidenceFileError) {
        let temporary = ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let file = openat(descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw Self.failure(display, "cannot create a file", errno) }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(file, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += count
            }
        }
        if close(file) != 0 && failure == 0 { failure = errno }
        if failure == 0 && renameat(descriptor, temporary, descriptor, name) != 0 { failure = errno }
        if failure != 0 {
            unlinkat(descriptor, temporary, 0)
            throw Self.failure(display, "cannot write", failure)
        }
    }

    /// The kernel's name for an open folder (Linux `/proc/self/fd`, else `realpath` of the path it was opened by).
    static func resolvedPath(of descriptor: Int32, opened path: String) -> String? {
        #if os(Linux)
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
            if length > 0 {
                return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        #endif
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func failure(_ display: String, _ what: String, _ code: Int32) -> EvidenceFileError {
        .unreadable(path: display, reason: "\(what): \(String(cString: strerror(code)))")
    }
}
