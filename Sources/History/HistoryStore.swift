public import Audit
public import Foundation
import GRDB

/// The scan history: every audit's metadata and findings in SQLite, and the diff of two scans.
///
/// The database is a WAL `DatabasePool` with a busy timeout, so two ackguard processes can record at the same time;
/// writes are `IMMEDIATE` transactions. The schema comes from append-only, string-named migrations
/// (`HistoryStore.migrator`). Findings are stored as the history's own versioned document (``FindingDocument``), plus
/// the columns that identify and classify them; a finding holds no secrets, so neither does the history.
public struct HistoryStore: ScanStore {
    /// The database file.
    public let path: String
    let writer: any DatabaseWriter

    /// How long a writer waits for another process's transaction before giving up.
    public static let busyTimeout: TimeInterval = 15

    /// Opens (creating it, mode 0600, and its directory, mode 0700, when missing) and migrates the database at `path`.
    public init(path: String) throws(HistoryError) {
        try self.init(path: path, migrateUpTo: nil)
    }

    /// Opens the database and applies the migrations up to `migrateUpTo` (all when `nil`). Tests build old schemas
    /// with it.
    init(path: String, migrateUpTo target: String?) throws(HistoryError) {
        // A device, FIFO or folder is never opened: SQLite would put its journal next to it (`/dev/null-journal`).
        try Self.checkPath(path, folderMayBeMissing: true)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create the directory \(directory): \(Self.reason(error))")
            }
        }
        let isNew = !FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "ackguard.history"
        let pool: DatabasePool
        var attempt = 0
        while true {
            do {
                pool = try DatabasePool(path: path, configuration: configuration)
                break
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 100 {
                // Switching a brand-new file to WAL takes an exclusive lock that SQLite's busy handler does not wait
                // for: another process creating the same history at the same moment answers "database is locked".
                attempt += 1
                Thread.sleep(forTimeInterval: 0.02 * Double(min(attempt, 10)))
            } catch {
                throw .cannotOpen(path: path, reason: Self.reason(error))
            }
        }
        if isNew {
            // Cluster names and ids are nobody else's business: a new database is private to its owner. Opening in WAL
            // mode already made -wal and -shm; SQLite gives later ones the database file's mode.
            do {
                for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
                }
            } catch {
                throw .cannotOpen(path: path, reason: "cannot restrict the file's permissions: \(Self.reason(error))")
            }
        }
        self.path = path
        self.writer = pool
        try migrate(upTo: target)
    }

    /// Opens an existing database for reading only (`history`, `diff`): nothing is created, migrated or written, so
    /// a database the user may only read (a read-only file in a read-only folder, a shared copy) can be listed.
    ///
    /// A WAL database normally needs `-shm` and `-wal` files next to it even to read. When no `-wal` file exists no
    /// writer is active and every scan is in the database file itself, so it is opened `immutable` (SQLite then
    /// creates no file, takes no lock and writes nothing). When a `-wal` file exists a writer may be at work and its
    /// recent scans are only there: the database is opened read-only the ordinary way, which reads them.
    public init(readingFrom path: String) throws(HistoryError) {
        try Self.checkPath(path, folderMayBeMissing: false)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cannotOpen(path: path, reason: "no such file")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "ackguard.history.read"
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let walExists = FileManager.default.fileExists(atPath: absolute + "-wal")
        var immutable: DatabaseQueue?
        if !walExists {
            // A URI filename (SQLite built with SQLITE_USE_URI, as Debian's and Apple's are). Where URIs are not
            // understood the name is taken literally, does not exist, and the ordinary open below is used.
            immutable = try? DatabaseQueue(path: Self.immutableURI(absolute), configuration: configuration)
        }
        let queue: DatabaseQueue
        do {
            queue = try immutable ?? DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
        let complete: Bool
        do {
            complete = try queue.read { db in try Self.migrator.hasCompletedMigrations(db) }
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
        guard complete else {
            throw .cannotOpen(
                path: path,
                reason: "its schema is older than this ackguard; run an audit with write access to update it")
        }
        self.path = path
        self.writer = queue
    }

    /// `file:<path>?immutable=1`, with the characters a URI path cannot hold percent-encoded.
    static func immutableURI(_ absolutePath: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let escaped = absolutePath.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolutePath
        return "file:\(escaped)?mode=ro&immutable=1"
    }

    /// The history must be a regular file (or a symbolic link to one), or a new file in an existing folder (or, with
    /// `folderMayBeMissing`, in a folder ackguard may create). Anything else — `/dev/null`, a FIFO, a folder, a
    /// dangling link — is refused before SQLite touches it.
    public static func checkPath(_ path: String, folderMayBeMissing: Bool) throws(HistoryError) {
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw .cannotOpen(path: path, reason: "not a file path")
        }
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw .cannotOpen(path: path, reason: "not a regular file (\(Self.kind(info.st_mode)))")
            }
            return
        }
        let code = errno
        var link = stat()
        if lstat(path, &link) == 0 {
            guard link.st_mode & S_IFMT == S_IFLNK else {
                // Not a link: the file appeared between the two calls (another process creating the same history).
                guard link.st_mode & S_IFMT == S_IFREG else {
                    throw .cannotOpen(path: path, reason: "not a regular file (\(Self.kind(link.st_mode)))")
                }
                return
            }
            throw .cannotOpen(
                path: path, reason: "a symbolic link that leads nowhere (\(String(cString: strerror(code))))")
        }
        guard code == ENOENT else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        var folderInfo = stat()
        if stat(folder, &folderInfo) == 0 {
            guard folderInfo.st_mode & S_IFMT == S_IFDIR else {
                throw .cannotOpen(path: path, reason: "\(folder) is not a folder")
            }
        } else if !folderMayBeMissing {
            throw .cannotOpen(path: path, reason: "the folder \(folder) does not exist")
        }
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    /// `$XDG_DATA_HOME/ackguard/history.sqlite` when `XDG_DATA_HOME` is set to an absolute path, else
    /// `<home>/.local/share/ackguard/history.sqlite` (the XDG Base Directory default).
    public static func defaultPath(environment: [String: String], home: String) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return Self.join(data, "ackguard/history.sqlite")
        }
        return Self.join(home, ".local/share/ackguard/history.sqlite")
    }

    /// A stable text for "the same scope": source kind, account, regions and rules (sorted), and for infrastructure
    /// code the paths read. Saved folders and emulator endpoints are left out, so audits of two snapshots of the same
    /// account compare.
    public static func scope(of report: AuditReport) -> String {
        var parts = [
            "source=\(report.source.kind.rawValue)",
            "account=\(report.source.account ?? "")",
            "regions=\(Set(report.source.regions).sorted().joined(separator: ","))",
            "rules=\(Set(report.rules.map(\.rawValue)).sorted().joined(separator: ","))",
        ]
        if report.source.kind == .iac { parts.append("location=\(report.source.location ?? "")") }
        return parts.joined(separator: ";")
    }

    // MARK: - Writing

    /// The database file, as ``ScanStore`` names stores.
    public var location: String { path }

    /// Stores a report; returns the new scan's id. With a `part`, the scan of the same run id and shard index (and
    /// its findings) is replaced in the same transaction.
    @discardableResult
    public func record(_ report: AuditReport, scope: String, part: ScanPart? = nil) throws(HistoryError) -> Int64 {
        if let problem = part?.problem {
            throw .database(path: path, operation: "recording the scan", reason: problem)
        }
        let summary = report.summary
        do {
            return try writer.write { db in
                if let part {
                    try db.execute(
                        sql: "DELETE FROM scan WHERE runId = ? AND shardIndex = ?", arguments: [part.runId, part.index])
                }
                try db.execute(
                    sql: """
                        INSERT INTO scan (scope, startedAt, finishedAt, toolName, toolVersion, sourceKind, regions,
                            account, rules, passCount, failCount, notApplicableCount, unknownCount, suppressedCount,
                            sourceLocation, notices, runId, shardIndex, shardCount)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        scope, report.startedAt, report.finishedAt, report.toolName, report.toolVersion,
                        report.source.kind.rawValue, Self.jsonText(report.source.regions), report.source.account,
                        Self.jsonText(report.rules.map(\.rawValue)), summary[.pass], summary[.fail],
                        summary[.notApplicable], summary[.unknown], summary.suppressed, report.source.location,
                        Self.jsonText(report.notices), part?.runId, part?.index, part?.count,
                    ])
                let scanId = db.lastInsertedRowID
                for finding in report.findings {
                    try db.execute(
                        sql: """
                            INSERT INTO finding (scanId, rule, accountId, regionId, clusterId, clusterName, status,
                                reason, file, line, "column", suppressionReason, suppressionExpires,
                                statusBeforeStrict, json)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            scanId, finding.rule.rawValue, finding.accountId, finding.regionId, finding.clusterId,
                            finding.clusterName, finding.status.rawValue, finding.reason.rawValue,
                            finding.location?.file, finding.location?.line, finding.location?.column,
                            finding.suppression?.reason, finding.suppression?.expires,
                            finding.statusBeforeStrict?.rawValue, FindingDocument.encode(finding).serialized(),
                        ])
                }
                return scanId
            }
        } catch {
            throw .database(path: path, operation: "recording the scan", reason: Self.reason(error))
        }
    }

    // MARK: - Reading

    /// The most recent scans first (by id).
    public func scans(limit: Int? = nil) throws(HistoryError) -> [ScanSummary] {
        let rows: [Row]
        do {
            rows = try writer.read { db in
                if let limit {
                    return try Row.fetchAll(db, sql: "SELECT * FROM scan ORDER BY id DESC LIMIT ?", arguments: [limit])
                }
                return try Row.fetchAll(db, sql: "SELECT * FROM scan ORDER BY id DESC")
            }
        } catch {
            throw .database(path: path, operation: "listing scans", reason: Self.reason(error))
        }
        var scans: [ScanSummary] = []
        for row in rows { scans.append(try scanSummary(row)) }
        return scans
    }

    /// One scan by id.
    public func scan(id: Int64) throws(HistoryError) -> ScanSummary {
        let row: Row?
        do {
            row = try writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM scan WHERE id = ?", arguments: [id])
            }
        } catch {
            throw .database(path: path, operation: "reading scan \(id)", reason: Self.reason(error))
        }
        guard let row else { throw .scanNotFound(path: path, id: id) }
        return try scanSummary(row)
    }

    /// The findings of one scan, in the order they were recorded (report order).
    public func findings(scanId: Int64) throws(HistoryError) -> [StoredFinding] {
        _ = try scan(id: scanId)
        let rows: [Row]
        do {
            rows = try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM finding WHERE scanId = ? ORDER BY id", arguments: [scanId])
            }
        } catch {
            throw .database(path: path, operation: "reading the findings of scan \(scanId)", reason: Self.reason(error))
        }
        var findings: [StoredFinding] = []
        for row in rows { findings.append(try storedFinding(row)) }
        return findings
    }

    /// The stored parts of the sharded run `runId`, by shard index.
    public func parts(runId: String) throws(HistoryError) -> [ScanSummary] {
        let rows: [Row]
        do {
            rows = try writer.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM scan WHERE runId = ? ORDER BY shardIndex, id", arguments: [runId])
            }
        } catch {
            throw .database(path: path, operation: "reading the parts of a run", reason: Self.reason(error))
        }
        var scans: [ScanSummary] = []
        for row in rows { scans.append(try scanSummary(row)) }
        return scans
    }

    /// What changed from scan `old` to scan `new`.
    public func diff(old: Int64, new: Int64) throws(HistoryError) -> HistoryDiff {
        HistoryDiff(
            old: try scan(id: old), oldFindings: try findings(scanId: old), new: try scan(id: new),
            newFindings: try findings(scanId: new))
    }

    /// The scans `ackguard diff [OLD] [NEW]` compares: both given → those; only `old` → it and the latest scan of its
    /// scope; none → the latest scan and the one before it of the same scope.
    public func diffPair(old: Int64? = nil, new: Int64? = nil) throws(HistoryError) -> (old: Int64, new: Int64) {
        switch (old, new) {
        case (let old?, let new?):
            _ = try scan(id: old)
            _ = try scan(id: new)
            return (old, new)
        case (let old?, nil):
            let scope = try scan(id: old).scope
            let latest = try latestScans(scope: scope, limit: 1)
            guard let newest = latest.first, newest != old else {
                throw .notEnoughScans(path: path, scope: scope, found: latest.count)
            }
            return (old, newest)
        case (nil, let new?):
            let scope = try scan(id: new).scope
            let earlier = try latestScans(scope: scope, limit: 1, before: new)
            guard let previous = earlier.first else { throw .notEnoughScans(path: path, scope: scope, found: 1) }
            return (previous, new)
        case (nil, nil):
            guard let newest = try scans(limit: 1).first else {
                throw .notEnoughScans(path: path, scope: nil, found: 0)
            }
            let earlier = try latestScans(scope: newest.scope, limit: 1, before: newest.id)
            guard let previous = earlier.first else {
                throw .notEnoughScans(path: path, scope: newest.scope, found: 1)
            }
            return (previous, newest.id)
        }
    }

    public func latestScans(scope: String, limit: Int, before: Int64? = nil) throws(HistoryError) -> [Int64] {
        do {
            return try writer.read { db in
                try Int64.fetchAll(
                    db,
                    sql: "SELECT id FROM scan WHERE scope = ? AND id < ? ORDER BY id DESC LIMIT ?",
                    arguments: [scope, before ?? Int64.max, limit])
            }
        } catch {
            throw .database(path: path, operation: "finding scans of scope \(scope)", reason: Self.reason(error))
        }
    }

    // MARK: - Rows

    func scanSummary(_ row: Row) throws(HistoryError) -> ScanSummary {
        let id: Int64 = row["id"]
        func list(_ column: String) throws(HistoryError) -> [String] {
            let text: String = row[column] ?? "[]"
            guard let value = try? JSONValue.parse(text), let items = value.arrayValue else {
                throw .corruptRow(path: path, table: "scan", id: id, problem: "\(column) is not a JSON array")
            }
            return items.compactMap(\.stringValue)
        }
        let counts: [Status: Int] = [
            .pass: row["passCount"], .fail: row["failCount"], .notApplicable: row["notApplicableCount"],
            .unknown: row["unknownCount"],
        ]
        return ScanSummary(
            id: id, scope: row["scope"], startedAt: row["startedAt"], finishedAt: row["finishedAt"],
            toolName: row["toolName"], toolVersion: row["toolVersion"], sourceKind: row["sourceKind"],
            regions: try list("regions"), account: row["account"], sourceLocation: row["sourceLocation"],
            rules: try list("rules"), counts: counts, suppressed: row["suppressedCount"], notices: try list("notices"),
            part: try ScanColumns.part(
                runId: row["runId"], index: row["shardIndex"], count: row["shardCount"], scanId: id, store: path))
    }

    func storedFinding(_ row: Row) throws(HistoryError) -> StoredFinding {
        let id: Int64 = row["id"]
        let statusText: String = row["status"]
        guard let status = Status(rawValue: statusText) else {
            throw .corruptRow(path: path, table: "finding", id: id, problem: "unknown status '\(statusText)'")
        }
        let stored: FindingDocument.Decoded
        switch FindingDocument.decode(row["json"]) {
        case .success(let decoded): stored = decoded
        case .failure(let problem): throw .corruptRow(path: path, table: "finding", id: id, problem: "\(problem)")
        }
        var location: SourceLocation?
        if let file: String = row["file"] {
            location = SourceLocation(file: file, line: row["line"] ?? 0, column: row["column"] ?? 0)
        }
        var suppression: Suppression?
        if let reason: String = row["suppressionReason"] {
            suppression = Suppression(reason: reason, expires: row["suppressionExpires"] ?? "")
        }
        return StoredFinding(
            scanId: row["scanId"], rule: row["rule"], accountId: row["accountId"], regionId: row["regionId"],
            clusterId: row["clusterId"], clusterName: row["clusterName"], status: status, reason: row["reason"],
            location: location, suppression: suppression, statusBeforeStrict: row["statusBeforeStrict"],
            message: stored.message, json: stored.document)
    }

    // MARK: - Helpers

    static func jsonText(_ strings: [String]) -> String {
        JSONValue.array(strings.map(JSONValue.string)).serialized()
    }

    static func join(_ directory: String, _ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    /// An error as one line, without GRDB's SQL echo (which may be long).
    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
        }
        return String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}
