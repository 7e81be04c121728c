import Audit
import Foundation
import GRDB
import Reports
import Synchronization
import Testing

@testable import History

@Suite struct HistoryStoreTests {
    @Test(
        "the default path follows XDG_DATA_HOME, else ~/.local/share",
        arguments: [
            ([:], "/home/u/.local/share/ackguard/history.sqlite"),
            (["XDG_DATA_HOME": "/data"], "/data/ackguard/history.sqlite"),
            (["XDG_DATA_HOME": "/data/"], "/data/ackguard/history.sqlite"),
            (["XDG_DATA_HOME": ""], "/home/u/.local/share/ackguard/history.sqlite"),
            (["XDG_DATA_HOME": "relative/dir"], "/home/u/.local/share/ackguard/history.sqlite"),
        ])
    func defaultPath(_ environment: [String: String], _ expected: String) {
        #expect(HistoryStore.defaultPath(environment: environment, home: "/home/u") == expected)
    }

    @Test("the scope is source, account, sorted regions and rules")
    func scope() {
        var report = HistoryFixtures.report([], regions: ["cn-shanghai", "cn-beijing"])
        report.rules = [.networkPolicySupport, .networkPolicyCoverage]
        #expect(
            HistoryStore.scope(of: report)
                == "source=live;account=1001;regions=cn-beijing,cn-shanghai;"
                + "rules=ack-network-policy-coverage,ack-network-policy-support")
        let iac = HistoryFixtures.report([], regions: [], kind: .iac)
        #expect(
            HistoryStore.scope(of: iac)
                == "source=iac;account=1001;regions=;rules=ack-network-policy-support;location=infra")
    }

    @Test("a recorded scan reads back: metadata, counts, and every finding in the history's own document")
    func roundTrip() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        var suppressed = HistoryFixtures.finding("c3", status: .fail, reason: .configMapPolicyDisabled)
        suppressed.suppression = Suppression(reason: "accepted", expires: "2030-01-01")
        var iac = HistoryFixtures.finding("", status: .fail, reason: .pluginFlannel, region: "", account: nil)
        iac.location = Audit.SourceLocation(file: "main.tf", line: 4, column: 3)
        let strict = AuditEngine.applyStrict(HistoryFixtures.finding("c4", status: .pass, reason: .addonPolicyEnabled))
        let report = HistoryFixtures.report(
            [
                HistoryFixtures.finding("c1", status: .fail, reason: .pluginFlannel),
                HistoryFixtures.finding("c2", status: .pass, reason: .configMapPolicyEnabled),
                suppressed, iac, strict,
            ], notices: ["one notice"])
        let store = try HistoryStore(path: path)
        let id = try store.record(report, scope: HistoryStore.scope(of: report))
        let scan = try store.scan(id: id)
        #expect(scan.scope == HistoryStore.scope(of: report))
        #expect(scan.finishedAt == "2025-05-01T08:00:42Z")
        #expect(scan.regions == ["cn-hangzhou"])
        #expect(scan.account == "1001")
        #expect(scan.rules == ["ack-network-policy-support"])
        #expect(scan[.fail] == 3)
        #expect(scan[.pass] == 1)
        #expect(scan.suppressed == 1)
        #expect(scan.notices == ["one notice"])
        let stored = try store.findings(scanId: id)
        #expect(stored.count == report.findings.count)
        for (row, finding) in zip(stored, report.findings) {
            #expect(row.json == FindingDocument.encode(finding))
            #expect(row.json["schema"] == 1)
            #expect(row.message == finding.message)
            #expect(row.status == finding.status)
            #expect(row.reason == finding.reason.rawValue)
            #expect(row.location == finding.location)
            #expect(row.suppression == finding.suppression)
            #expect(row.statusBeforeStrict == finding.statusBeforeStrict?.rawValue)
        }
        #expect(
            stored.first { $0.location != nil }?.key
                == FindingKey(rule: "ack-network-policy-support", account: "", cluster: "main.tf#name-"))
    }

    @Test("the tables hold exactly the report's metadata and the finding fields, nothing else")
    func columns() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        let columns = try store.writer.read { db in
            (
                scan: Set(try db.columns(in: "scan").map(\.name)),
                finding: Set(try db.columns(in: "finding").map(\.name)),
                tables: Set(
                    try String.fetchAll(
                        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            )
        }
        #expect(columns.tables == ["grdb_migrations", "scan", "finding"])
        #expect(
            columns.scan == [
                "id", "scope", "startedAt", "finishedAt", "toolName", "toolVersion", "sourceKind", "regions", "account",
                "rules", "passCount", "failCount", "notApplicableCount", "unknownCount", "suppressedCount",
                "sourceLocation", "notices", "runId", "shardIndex", "shardCount",
            ])
        #expect(
            columns.finding == [
                "id", "scanId", "rule", "accountId", "regionId", "clusterId", "clusterName", "status", "reason", "json",
                "file", "line", "column", "suppressionReason", "suppressionExpires", "statusBeforeStrict",
            ])
    }

    @Test("scans are listed newest first, with a limit")
    func listing() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        var ids: [Int64] = []
        for day in 1...3 {
            let report = HistoryFixtures.report([], finishedAt: "2025-05-0\(day)T08:00:00Z")
            ids.append(try store.record(report, scope: "s"))
        }
        #expect(try store.scans().map(\.id) == ids.reversed())
        #expect(try store.scans(limit: 2).map(\.finishedAt) == ["2025-05-03T08:00:00Z", "2025-05-02T08:00:00Z"])
        #expect(throws: HistoryError.scanNotFound(path: path, id: 99)) { try store.scan(id: 99) }
        #expect(throws: HistoryError.scanNotFound(path: path, id: 99)) { try store.findings(scanId: 99) }
    }

    @Test("a database with only v1 is migrated and its old rows stay readable")
    func migratesFromV1() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let old = try HistoryStore(path: path, migrateUpTo: "v1")
        let finding = HistoryFixtures.finding("c1", status: .fail, reason: .pluginFlannel)
        try old.writer.write { db in
            #expect(try db.columns(in: "finding").map(\.name).contains("file") == false)
            try db.execute(
                sql: """
                    INSERT INTO scan (scope, startedAt, finishedAt, toolName, toolVersion, sourceKind, regions, account,
                        rules, passCount, failCount, notApplicableCount, unknownCount, suppressedCount)
                    VALUES ('s', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 'ackguard', '0.1.0', 'live',
                        '["cn-hangzhou"]', '1001', '["ack-network-policy-support"]', 0, 1, 0, 0, 0)
                    """)
            try HistoryFixtures.insertFindingRow(
                db, scanId: db.lastInsertedRowID, json: JSONReportRenderer.encode(finding).serialized())
        }
        let store = try HistoryStore(path: path)
        let applied = try store.writer.read { db in try HistoryStore.migrator.appliedMigrations(db) }
        #expect(applied == ["v1", "v2", "v3"])
        let scan = try #require(try store.scans().first)
        #expect(scan.notices.isEmpty)
        #expect(scan.sourceLocation == nil)
        let stored = try store.findings(scanId: scan.id)
        #expect(stored.count == 1)
        #expect(stored[0].location == nil)
        #expect(stored[0].suppression == nil)
        #expect(stored[0].json == JSONReportRenderer.encode(finding))
        #expect(stored[0].message == finding.message)
        let newId = try store.record(HistoryFixtures.report([finding]), scope: "s")
        let diff = try store.diff(old: scan.id, new: newId)
        #expect(diff.unchanged == 1)
        #expect(diff.isEmpty)
    }

    @Test("two writers on separate connections, at the same time, on a new database: nothing lost or corrupted")
    func concurrentWriters() async throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let perWriter = 25
        let findings = (1...4).map { HistoryFixtures.finding("c\($0)", status: .fail, reason: .pluginFlannel) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    // Each task opens its own pool (its own connections), as two processes would, and both run
                    // the migrations on the empty file at once.
                    let store = try HistoryStore(path: path)
                    for number in 0..<perWriter {
                        let report = HistoryFixtures.report(findings, finishedAt: "2025-05-01T08:00:\(number)Z")
                        try store.record(report, scope: "writer-\(writer)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = try HistoryStore(path: path)
        let check = try await store.writer.read { db in
            (
                integrity: try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                foreignKeys: try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count,
                scans: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scan") ?? -1,
                findings: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM finding") ?? -1,
                perScope: try Row.fetchAll(
                    db, sql: "SELECT scope, COUNT(*) AS n FROM scan GROUP BY scope ORDER BY scope"
                )
                .map { "\($0["scope"] as String)=\($0["n"] as Int)" },
                migrations: try HistoryStore.migrator.appliedMigrations(db)
            )
        }
        #expect(check.integrity == ["ok"])
        #expect(check.foreignKeys == 0)
        #expect(check.scans == 2 * perWriter)
        #expect(check.findings == 2 * perWriter * findings.count)
        #expect(check.perScope == ["writer-0=\(perWriter)", "writer-1=\(perWriter)"])
        #expect(check.migrations == ["v1", "v2", "v3"])
        for scan in try store.scans() {
            #expect(try store.findings(scanId: scan.id).map(\.clusterId) == ["c1", "c2", "c3", "c4"])
        }
    }

    @Test("many connections opening and migrating new databases at the same moment all succeed")
    func concurrentOpening() throws {
        // Without the migration retry this failed about once in sixty rounds ("table scan already exists"): two
        // connections both saw v1 unapplied before either committed it.
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let failures = Mutex<[String]>([])
        for round in 0..<30 {
            let roundPath = path.replacingOccurrences(of: "history.sqlite", with: "round-\(round).sqlite")
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    let store = try HistoryStore(path: roundPath)
                    try store.record(HistoryFixtures.report([]), scope: "s")
                } catch {
                    failures.withLock { $0.append(String(describing: error)) }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
    }

    @Test("a new database and its directory are private to the owner")
    func permissions() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        try store.record(HistoryFixtures.report([]), scope: "s")
        let mode = { (path: String) throws -> Int in
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return try #require(attributes[.posixPermissions] as? Int) & 0o777
        }
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + "-wal") == 0o600)
        #expect(try mode((path as NSString).deletingLastPathComponent) == 0o700)
    }

    @Test("a path that cannot be created is an error naming it")
    func unopenable() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let blocker = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: (blocker as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("not a directory".utf8)))
        #expect {
            try HistoryStore(path: path)
        } throws: { error in
            guard case .cannotOpen(let errorPath, _) = error as? HistoryError else { return false }
            return errorPath == path && String(describing: error).contains(path)
        }
    }
}
