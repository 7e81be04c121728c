public import Audit
import Foundation
public import History
import Logging
import PostgresNIO

/// Scan history in a shared PostgreSQL database (`--store postgres://…`): the same scans, findings, notices and
/// shard parts as the SQLite history (``HistoryStore``), for several runners to share.
///
/// Every operation opens its own connection and closes it. The schema comes from numbered migrations recorded in
/// `ackguard_schema_migrations`, applied in one transaction under an advisory lock, so any number of processes may
/// start against a new database at once. Recording a shard part replaces the stored part of the same run id and
/// shard index in the same transaction (under an advisory lock on that pair, and a unique index besides).
public struct PostgresStore: ScanStore {
    public let connection: PostgresLocation
    let logger: Logger

    /// The redacted URL.
    public var location: String { connection.description }

    /// The schema version this ackguard writes.
    public static let schemaVersion = PostgresMigrations.all.count

    /// Connects once and brings the schema up to date (`migrate`), or only checks that it is (readers: `history`,
    /// `diff` write nothing). A bad URL, an unreachable server or a refused login is one line without the password.
    public static func open(url: String, environment: [String: String], migrate: Bool = true) async throws(HistoryError)
        -> PostgresStore
    {
        let store = PostgresStore(connection: try PostgresLocation(url: url, environment: environment))
        if migrate {
            try await store.migrate()
        } else {
            try await store.checkSchema()
        }
        return store
    }

    public init(connection: PostgresLocation) {
        self.connection = connection
        self.logger = Logger(label: "ackguard.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    // MARK: - Connections

    /// Runs `body` on a new connection, closed afterwards; any error becomes a ``HistoryError`` naming `operation`.
    func withConnection<Result: Sendable>(
        _ operation: String, _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws(HistoryError) -> Result {
        let connection = try await connect()
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch let error as HistoryError {
            try? await connection.close()
            throw error
        } catch let error as PostgresTransactionError {
            try? await connection.close()
            if let inner = error.closureError as? HistoryError { throw inner }
            throw .database(path: location, operation: operation, reason: reason(error))
        } catch {
            try? await connection.close()
            throw .database(path: location, operation: operation, reason: reason(error))
        }
    }

    func connect() async throws(HistoryError) -> PostgresConnection {
        let modes = try tlsModes()
        var lastError: (any Error)?
        for (attempt, tls) in modes.enumerated() {
            var configuration: PostgresConnection.Configuration
            switch connection.endpoint {
            case .tcp(let host, let port):
                // The host name is the TLS server name (SNI and the name verify-full checks); an IP address is not
                // sent (SNI forbids it) and verify-full checks the certificate's IP SANs against the address instead.
                configuration = .init(
                    host: host, port: port, username: connection.user, password: connection.password,
                    database: connection.database, tls: tls)
            case .unixSocket(let path):
                configuration = .init(
                    unixSocketPath: path, username: connection.user, password: connection.password,
                    database: connection.database)
            }
            configuration.options.connectTimeout = .seconds(10)
            do {
                return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            } catch {
                lastError = error
                // `allow`: a server that refuses plain TCP gets a second try with TLS.
                guard attempt + 1 < modes.count, Self.sqlState(error) == "28000" else { break }
            }
        }
        throw .cannotOpen(path: location, reason: lastError.map(reason) ?? "cannot connect")
    }

    /// Whether a connection made as the URL says is encrypted, as the server sees it (`pg_stat_ssl`).
    func connectionUsesTLS() async throws(HistoryError) -> Bool {
        let logger = self.logger
        return try await withConnection("reading pg_stat_ssl") { connection in
            let rows = try await connection.query(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger
            ).collect()
            return try rows.first?.decode(Bool.self) ?? false
        }
    }

    /// The TLS setting of each connection attempt, from `sslmode` (and `sslrootcert`, read here: a file that is
    /// missing or holds no certificate is one line naming it).
    func tlsModes() throws(HistoryError) -> [PostgresConnection.Configuration.TLS] {
        func context(_ verification: CertificateVerification) throws(HistoryError) -> NIOSSLContext {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = verification
            if verification != .none, let path = connection.sslRootCert,
                path != PostgresLocation.systemRootCertificates
            {
                tls.trustRoots = .certificates(try Self.rootCertificates(path, location: location))
            }
            do {
                return try NIOSSLContext(configuration: tls)
            } catch {
                throw .cannotOpen(path: location, reason: "cannot set up TLS: \(reason(error))")
            }
        }
        switch connection.sslMode {
        case .disable: return [.disable]
        case .allow: return [.disable, .require(try context(.none))]
        case .prefer: return [.prefer(try context(.none))]
        case .require:
            // libpq: with a root certificate file, require checks the chain as verify-ca does.
            return [.require(try context(connection.sslRootCert == nil ? .none : .noHostnameVerification))]
        case .verifyCA: return [.require(try context(.noHostnameVerification))]
        case .verifyFull: return [.require(try context(.fullVerification))]
        }
    }

    /// The certificates of the PEM file `path` (at most 4 MiB, a regular file); anything else is one line naming it.
    static func rootCertificates(_ path: String, location: String) throws(HistoryError) -> [NIOSSLCertificate] {
        func fail(_ problem: String) -> HistoryError {
            .cannotOpen(path: location, reason: "sslrootcert \(path.prefix(300)) \(problem)")
        }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw fail(FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw fail("is not a regular file") }
        guard let size = attributes[.size] as? NSNumber, size.int64Value <= 4 << 20 else {
            throw fail("is larger than 4 MiB")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw fail("cannot be read") }
        defer { try? handle.close() }
        let bytes: Data
        do {
            bytes = try handle.read(upToCount: (4 << 20) + 1) ?? Data()
        } catch {
            throw fail("cannot be read")
        }
        guard bytes.count <= 4 << 20 else { throw fail("is larger than 4 MiB") }
        let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(bytes))
        guard let certificates, !certificates.isEmpty else {
            throw fail("holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    // MARK: - Schema

    /// Applies the missing migrations in one transaction, after taking the migrations' advisory lock.
    public func migrate() async throws(HistoryError) {
        let location = self.location
        let logger = self.logger
        do {
            try await withConnection("updating the schema") { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
                    try await connection.query(
                        PostgresQuery(unsafeSQL: PostgresMigrations.versionTable), logger: logger)
                    let applied = try await Self.appliedVersions(connection, logger: logger)
                    if let newest = applied.max(), newest > PostgresMigrations.all.count {
                        throw HistoryError.migrationFailed(
                            path: location,
                            reason:
                                "the schema is version \(newest), newer than this ackguard's \(PostgresMigrations.all.count)"
                        )
                    }
                    for (offset, statements) in PostgresMigrations.all.enumerated()
                    where !applied.contains(offset + 1) {
                        for statement in statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query(
                            "INSERT INTO ackguard_schema_migrations (version) VALUES (\(offset + 1))", logger: logger)
                    }
                }
            }
        } catch .database(_, _, let reason) {
            throw .migrationFailed(path: location, reason: reason)
        }
    }

    /// Refuses a database whose schema is missing, older or newer than this ackguard's (readers do not migrate).
    func checkSchema() async throws(HistoryError) {
        let logger = self.logger
        let versions = try await withConnection("reading the schema version") { connection in
            let exists = try await connection.query(
                "SELECT to_regclass('ackguard_schema_migrations') IS NOT NULL", logger: logger
            ).collect()
            guard try exists.first?.decode(Bool.self) == true else { return Set<Int>() }
            return try await Self.appliedVersions(connection, logger: logger)
        }
        let expected = Set(1...PostgresMigrations.all.count)
        guard versions.isSuperset(of: expected) else {
            throw .cannotOpen(
                path: location,
                reason: versions.isEmpty
                    ? "it holds no ackguard history yet (record an audit with --store first)"
                    : "its schema is older than this ackguard; run an audit with --store to update it")
        }
        if let newest = versions.max(), newest > expected.count {
            throw .cannotOpen(
                path: location,
                reason: "its schema (version \(newest)) is newer than this ackguard's (\(expected.count))")
        }
    }

    static func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> Set<Int> {
        var versions = Set<Int>()
        for try await version in try await connection.query(
            "SELECT version FROM ackguard_schema_migrations", logger: logger
        ).decode(Int.self) {
            versions.insert(version)
        }
        return versions
    }

    // MARK: - Writing

    /// Stores a report; returns the new scan's id. With a `part`, the stored part of the same run id and shard index
    /// (and its findings) is deleted first, in the same transaction.
    @discardableResult
    public func record(_ report: AuditReport, scope: String, part: ScanPart? = nil) async throws(HistoryError)
        -> Int64
    {
        if let problem = part?.problem {
            throw .database(path: location, operation: "recording the scan", reason: problem)
        }
        let summary = report.summary
        let logger = self.logger
        let rows = report.findings.map(FindingRow.init)
        let location = self.location
        return try await withConnection("recording the scan") { connection in
            try await connection.withTransaction(logger: logger) { connection in
                if let part {
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(hashtext(\(part.runId)), \(Int32(part.index)))", logger: logger)
                    try await connection.query(
                        "DELETE FROM ackguard_scan WHERE run_id = \(part.runId) AND shard_index = \(part.index)",
                        logger: logger)
                }
                let inserted = try await connection.query(
                    """
                    INSERT INTO ackguard_scan (scope, started_at, finished_at, tool_name, tool_version, source_kind,
                        regions, account, rules, pass_count, fail_count, not_applicable_count, unknown_count,
                        suppressed_count, source_location, notices, run_id, shard_index, shard_count)
                    VALUES (\(scope), \(report.startedAt), \(report.finishedAt), \(report.toolName),
                        \(report.toolVersion), \(report.source.kind.rawValue),
                        \(ScanColumns.jsonText(report.source.regions)), \(report.source.account),
                        \(ScanColumns.jsonText(report.rules.map(\.rawValue))), \(summary[.pass]), \(summary[.fail]),
                        \(summary[.notApplicable]), \(summary[.unknown]), \(summary.suppressed),
                        \(report.source.location), \(ScanColumns.jsonText(report.notices)), \(part?.runId),
                        \(part?.index), \(part?.count))
                    RETURNING id
                    """, logger: logger
                ).collect()
                guard let scanId = try inserted.first?.decode(Int64.self) else {
                    throw HistoryError.database(
                        path: location, operation: "recording the scan", reason: "the insert returned no id")
                }
                // In batches of 500 rows (15 parameters each; a statement takes at most 65,535).
                var start = 0
                while start < rows.count {
                    let batch = rows[start..<min(start + 500, rows.count)]
                    var bindings = PostgresBindings(capacity: batch.count * 15)
                    var tuples: [String] = []
                    for row in batch {
                        let base = bindings.count
                        tuples.append("(" + (1...15).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                        bindings.append(scanId)
                        bindings.append(row.rule)
                        bindings.append(row.accountId)
                        bindings.append(row.regionId)
                        bindings.append(row.clusterId)
                        bindings.append(row.clusterName)
                        bindings.append(row.status)
                        bindings.append(row.reason)
                        bindings.append(row.file)
                        bindings.append(row.line)
                        bindings.append(row.column)
                        bindings.append(row.suppressionReason)
                        bindings.append(row.suppressionExpires)
                        bindings.append(row.statusBeforeStrict)
                        bindings.append(row.json)
                    }
                    let sql = """
                        INSERT INTO ackguard_finding (scan_id, rule, account_id, region_id, cluster_id, cluster_name,
                            status, reason, file, line, col, suppression_reason, suppression_expires,
                            status_before_strict, json)
                        VALUES \(tuples.joined(separator: ", "))
                        """
                    try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
                    start += batch.count
                }
                return scanId
            }
        }
    }

    // MARK: - Reading

    static let scanColumns = """
        id, scope, started_at, finished_at, tool_name, tool_version, source_kind, regions, account, rules,
        pass_count, fail_count, not_applicable_count, unknown_count, suppressed_count, source_location, notices,
        run_id, shard_index, shard_count
        """

    public func scans(limit: Int? = nil) async throws(HistoryError) -> [ScanSummary] {
        let limit = max(0, min(limit ?? Int(Int32.max), Int(Int32.max)))
        return try await scanRows(
            "listing scans",
            PostgresQuery(
                unsafeSQL: "SELECT \(Self.scanColumns) FROM ackguard_scan ORDER BY id DESC LIMIT $1",
                binds: Self.bindings(limit)))
    }

    public func scan(id: Int64) async throws(HistoryError) -> ScanSummary {
        let rows = try await scanRows(
            "reading scan \(id)",
            PostgresQuery(
                unsafeSQL: "SELECT \(Self.scanColumns) FROM ackguard_scan WHERE id = $1", binds: Self.bindings(id)))
        guard let scan = rows.first else { throw .scanNotFound(path: location, id: id) }
        return scan
    }

    public func parts(runId: String) async throws(HistoryError) -> [ScanSummary] {
        try await scanRows(
            "reading the parts of a run",
            PostgresQuery(
                unsafeSQL:
                    "SELECT \(Self.scanColumns) FROM ackguard_scan WHERE run_id = $1 ORDER BY shard_index, id",
                binds: Self.bindings(runId)))
    }

    public func latestScans(scope: String, limit: Int, before: Int64? = nil) async throws(HistoryError) -> [Int64] {
        let logger = self.logger
        let limit = max(0, min(limit, Int(Int32.max)))
        let before = before ?? Int64.max
        return try await withConnection("finding scans of scope \(scope)") { connection in
            var ids: [Int64] = []
            for try await id in try await connection.query(
                """
                SELECT id FROM ackguard_scan WHERE scope = \(scope) AND id < \(before) ORDER BY id DESC
                LIMIT \(limit)
                """, logger: logger
            ).decode(Int64.self) {
                ids.append(id)
            }
            return ids
        }
    }

    public func findings(scanId: Int64) async throws(HistoryError) -> [StoredFinding] {
        _ = try await scan(id: scanId)
        let logger = self.logger
        let location = self.location
        let rows = try await withConnection("reading the findings of scan \(scanId)") { connection in
            try await connection.query(
                """
                SELECT id, rule, account_id, region_id, cluster_id, cluster_name, status, reason, file, line, col,
                    suppression_reason, suppression_expires, status_before_strict, json
                FROM ackguard_finding WHERE scan_id = \(scanId) ORDER BY id
                """, logger: logger
            ).collect()
        }
        var findings: [StoredFinding] = []
        for row in rows {
            let cells = row.makeRandomAccess()
            let id: Int64
            let values: FindingRow
            do {
                id = try cells["id"].decode(Int64.self)
                values = FindingRow(
                    rule: try cells["rule"].decode(String.self),
                    accountId: try cells["account_id"].decode(String?.self),
                    regionId: try cells["region_id"].decode(String.self),
                    clusterId: try cells["cluster_id"].decode(String.self),
                    clusterName: try cells["cluster_name"].decode(String.self),
                    status: try cells["status"].decode(String.self), reason: try cells["reason"].decode(String.self),
                    file: try cells["file"].decode(String?.self), line: try cells["line"].decode(Int?.self),
                    column: try cells["col"].decode(Int?.self),
                    suppressionReason: try cells["suppression_reason"].decode(String?.self),
                    suppressionExpires: try cells["suppression_expires"].decode(String?.self),
                    statusBeforeStrict: try cells["status_before_strict"].decode(String?.self),
                    json: try cells["json"].decode(String.self))
            } catch {
                throw .database(
                    path: location, operation: "reading the findings of scan \(scanId)", reason: reason(error))
            }
            findings.append(try values.stored(scanId: scanId, id: id, store: location))
        }
        return findings
    }

    func scanRows(_ operation: String, _ query: PostgresQuery) async throws(HistoryError) -> [ScanSummary] {
        let logger = self.logger
        let rows = try await withConnection(operation) { connection in
            try await connection.query(query, logger: logger).collect()
        }
        var scans: [ScanSummary] = []
        for row in rows {
            let cells = row.makeRandomAccess()
            let id: Int64
            do {
                id = try cells["id"].decode(Int64.self)
            } catch {
                throw .database(path: location, operation: operation, reason: reason(error))
            }
            do {
                let counts: [Status: Int] = [
                    .pass: try cells["pass_count"].decode(Int.self),
                    .fail: try cells["fail_count"].decode(Int.self),
                    .notApplicable: try cells["not_applicable_count"].decode(Int.self),
                    .unknown: try cells["unknown_count"].decode(Int.self),
                ]
                let regions = try cells["regions"].decode(String.self)
                let rules = try cells["rules"].decode(String.self)
                let notices = try cells["notices"].decode(String.self)
                scans.append(
                    ScanSummary(
                        id: id, scope: try cells["scope"].decode(String.self),
                        startedAt: try cells["started_at"].decode(String.self),
                        finishedAt: try cells["finished_at"].decode(String.self),
                        toolName: try cells["tool_name"].decode(String.self),
                        toolVersion: try cells["tool_version"].decode(String.self),
                        sourceKind: try cells["source_kind"].decode(String.self),
                        regions: try ScanColumns.list(regions, column: "regions", scanId: id, store: location),
                        account: try cells["account"].decode(String?.self),
                        sourceLocation: try cells["source_location"].decode(String?.self),
                        rules: try ScanColumns.list(rules, column: "rules", scanId: id, store: location),
                        counts: counts, suppressed: try cells["suppressed_count"].decode(Int.self),
                        notices: try ScanColumns.list(notices, column: "notices", scanId: id, store: location),
                        part: try ScanColumns.part(
                            runId: try cells["run_id"].decode(String?.self),
                            index: try cells["shard_index"].decode(Int?.self),
                            count: try cells["shard_count"].decode(Int?.self), scanId: id, store: location)))
            } catch let error as HistoryError {
                throw error
            } catch {
                throw .corruptRow(path: location, table: "scan", id: id, problem: reason(error))
            }
        }
        return scans
    }

    static func bindings(_ value: some PostgresDynamicTypeEncodable) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(value)
        return bindings
    }

    // MARK: - Errors

    /// The SQLSTATE of a server error, if `error` is one.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// An error as one line, without the password.
    func reason(_ error: any Error) -> String {
        var text: String
        if let error = error as? HistoryError {
            text = error.description
        } else if let error = error as? PostgresTransactionError {
            text = reason(error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError ?? error)
        } else if let error = error as? PSQLError {
            text = Self.describe(error, connection: connection)
        } else if let error = error as? PostgresDecodingError {
            text = "unexpected column type (\(error.code)) in \(error.columnName)"
        } else {
            text = String(describing: error)
        }
        text = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? "unknown error"
        if let password = connection.password, !password.isEmpty {
            text = text.replacingOccurrences(of: password, with: "***")
        }
        return String(text.prefix(500))
    }

    static func describe(_ error: PSQLError, connection: PostgresLocation) -> String {
        let user = connection.user
        if let server = error.serverInfo {
            let state = server[.sqlState] ?? "?"
            let message = server[.message] ?? "server error"
            switch state {
            case "28P01":
                return "authentication failed for user \(user) (check the password in the URL or PGPASSWORD)"
            case "28000":
                return "the server refused the connection (\(message))"
            case "3D000":
                return "no such database (\(message))"
            default:
                return "PostgreSQL error \(state): \(message)"
            }
        }
        switch error.code {
        case .sslUnsupported:
            return "the server does not support TLS (sslmode=\(connection.sslMode.rawValue) requires it; prefer or "
                + "disable do not)"
        case .authMechanismRequiresPassword:
            return "the server asks for a password and none was given (in the URL or PGPASSWORD)"
        case .connectionError:
            if let underlying = error.underlying, let tls = describeTLS(underlying, connection: connection) {
                return tls
            }
            let underlying = error.underlying.map { String(describing: $0) } ?? "connection error"
            for (needle, plain) in [
                ("Connection refused", "connection refused"), ("timed out", "timed out"),
                ("No route to host", "no route to host"), ("ENOENT", "no such socket"),
            ] where underlying.contains(needle) {
                return "cannot connect: \(plain)"
            }
            return "cannot connect: \(underlying)"
        default:
            if let underlying = error.underlying, let tls = describeTLS(underlying, connection: connection) {
                return tls
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
    }

    /// A TLS failure in words: which check of the server's certificate failed, and what the URL asked for.
    static func describeTLS(_ error: any Error, connection: PostgresLocation) -> String? {
        let mode = "sslmode=\(connection.sslMode.rawValue)"
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            let host: String
            if case .tcp(let name, _) = connection.endpoint { host = name } else { host = "the host connected to" }
            return "TLS (\(mode)): the server's certificate does not name \(host) (verify-ca would not check the name)"
        }
        guard let error = error as? NIOSSLError else { return nil }
        let detail = String(describing: error)
        if detail.contains("CERTIFICATE_VERIFY_FAILED") {
            let authorities =
                switch connection.sslRootCert {
                case nil: "the system's trusted authorities (no sslrootcert)"
                case PostgresLocation.systemRootCertificates: "the system's trusted authorities (sslrootcert=system)"
                case let path?: "the authorities in sslrootcert \(path.prefix(300))"
                }
            return "TLS (\(mode)): the server's certificate failed verification against \(authorities): it is not "
                + "signed by one of them, or is outside its validity period"
        }
        return "TLS handshake failed: \(detail)"
    }
}
