import Audit
import Foundation
import History
import PostgresStore
import TestSupport
import Testing

/// Small reports for the store tests (the history tests' fixtures, in the forms the stores keep).
enum StoreFixtures {
    static func finding(
        _ clusterId: String, status: Status, reason: ReasonCode, account: String = "1001"
    ) -> Finding {
        Finding(
            rule: .networkPolicySupport, clusterId: clusterId, clusterName: "name-\(clusterId)",
            regionId: "cn-hangzhou", status: status, reason: reason,
            message: "\(clusterId) is \(status.rawValue) because \(reason.rawValue)",
            warnings: [FindingWarning(code: .configMapNotVerified, message: "not read", details: ["n": 1])],
            evidence: ["plugin": ["names": ["terway-eniip"]]],
            remediation: Remediation(kind: .editConfigMap, steps: ["Set it."]), accountId: account)
    }

    static func report(_ findings: [Finding], finishedAt: String = "2025-05-01T08:00:42Z", notices: [String] = [])
        -> AuditReport
    {
        AuditReport(
            toolVersion: "0.9.0", startedAt: "2025-05-01T08:00:00Z", finishedAt: finishedAt,
            source: .init(kind: .live, regions: ["cn-hangzhou"], account: "1001", location: nil),
            rules: [.networkPolicySupport], findings: AuditEngine.sorted(findings), notices: notices)
    }

    /// A report with every kind of column filled: suppression, infrastructure-code location, strict.
    static func richReport() -> AuditReport {
        var suppressed = finding("c3", status: .fail, reason: .configMapPolicyDisabled)
        suppressed.suppression = Suppression(reason: "accepted", expires: "2030-01-01")
        var iac = finding("", status: .fail, reason: .pluginFlannel)
        iac.accountId = nil
        iac.regionId = ""
        iac.location = Audit.SourceLocation(file: "main.tf", line: 4, column: 3)
        let strict = AuditEngine.applyStrict(finding("c4", status: .pass, reason: .addonPolicyEnabled))
        return report(
            [
                finding("c1", status: .fail, reason: .pluginFlannel),
                finding("c2", status: .pass, reason: .configMapPolicyEnabled), suppressed, iac, strict,
            ], notices: ["one notice"])
    }
}

@Suite struct PostgresLocationTests {
    @Test(
        "sslmode is read as libpq reads it, prefer by default",
        arguments: [
            ("postgres://u@h/db", PostgresLocation.SSLMode.prefer),
            ("postgres://u@h/db?sslmode=disable", .disable),
            ("postgres://u@h/db?sslmode=allow", .allow),
            ("postgresql://u@h/db?sslmode=prefer", .prefer),
            ("postgres://u@h/db?sslmode=require", .require),
            ("postgres://u@h/db?sslmode=verify-ca", .verifyCA),
            ("postgres://u@h/db?sslmode=verify-full", .verifyFull),
            // libpq 16: the system's authorities make verify-full the default.
            ("postgres://u@h/db?sslrootcert=system", .verifyFull),
            ("postgres://u@h/db?sslrootcert=system&sslmode=verify-full", .verifyFull),
            ("postgres://u@h/db?sslrootcert=/etc/ca.pem", .prefer),
        ])
    func sslModes(_ url: String, _ mode: PostgresLocation.SSLMode) throws {
        #expect(try PostgresLocation(url: url, environment: [:]).sslMode == mode)
    }

    @Test("user, password, host, port and database come from the URL, else PGUSER/PGPASSWORD and defaults")
    func parts() throws {
        let full = try PostgresLocation(
            url: "postgres://al%40ice:p%3Ass@db.example:6543/scans?sslmode=require", environment: [:])
        #expect(full.user == "al@ice")
        #expect(full.password == "p:ss")
        #expect(full.endpoint == .tcp(host: "db.example", port: 6543))
        #expect(full.database == "scans")
        let fromEnvironment = try PostgresLocation(
            url: "postgresql://db.example", environment: ["PGUSER": "bob", "PGPASSWORD": "secret"])
        #expect(fromEnvironment.user == "bob")
        #expect(fromEnvironment.password == "secret")
        #expect(fromEnvironment.endpoint == .tcp(host: "db.example", port: 5432))
        #expect(fromEnvironment.database == "bob")
        let socket = try PostgresLocation(url: "postgres://u@/db?host=/run/pg&port=5433", environment: [:])
        #expect(socket.endpoint == .unixSocket(path: "/run/pg/.s.PGSQL.5433"))
        let ipv6 = try PostgresLocation(url: "postgres://u@[::1]:5000/db", environment: [:])
        #expect(ipv6.endpoint == .tcp(host: "::1", port: 5000))
    }

    @Test(
        "a bad URL is one line that names the problem and never the password",
        arguments: [
            ("postgres://u:hunter2@h/db?sslmode=sometimes", "sslmode 'sometimes'"),
            ("postgres://u:hunter2@h:99999/db", "port"),
            ("postgres://u:hunter2@h/db?colour=blue", "unknown parameter 'colour'"),
            ("postgres://u:hunter2@/db", "no host"),
            ("mysql://u:hunter2@h/db", "not a postgres://"),
            ("postgres://u:hunter2@h/db?password=hunter2&sslmode=x", "sslmode 'x'"),
            ("postgres://u:hunter2@h/db?sslmode=require&sslrootcert=system", "sslmode require may not be used"),
            ("postgres://u:hunter2@h/db?sslmode=verify-ca&sslrootcert=system", "sslrootcert=system"),
            ("postgres://u:hunter2@h/db?sslrootcert=/tmp/a%0Ab.pem", "sslrootcert"),
            ("postgres://u:hunter2@h/db?sslrootcert=" + String(repeating: "a", count: 1025), "sslrootcert"),
        ])
    func badURL(_ url: String, _ expected: String) {
        do {
            _ = try PostgresLocation(url: url, environment: [:])
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(!error.description.contains("hunter2"), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("the description and the redacted URL hold no password")
    func redaction() throws {
        let location = try PostgresLocation(url: "postgres://u:hunter2@h:5/db?sslmode=require", environment: [:])
        #expect(location.description == "postgres://u@h:5/db?sslmode=require")
        #expect(PostgresLocation.redact("postgres://u:hunter2@h/db") == "postgres://u:***@h/db")
        #expect(
            PostgresLocation.redact("postgres://u@h/db?password=hunter2&x=1") == "postgres://u@h/db?password=***&x=1")
        #expect(PostgresLocation.redact("postgres://u:a@b@h/db") == "postgres://u:***@h/db")
    }
}

/// Against a throwaway server each (`initdb` + `pg_ctl`, TestSupport's ``withPostgresServer(_:)``).
@Suite(.serialized) struct PostgresStoreTests {
    @Test("migrations: four processes' worth of clients at once, then again, leave one schema at the current version")
    func concurrentMigrations() async throws {
        try await withPostgresServer { server in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { _ = try await PostgresStore.open(url: server.url, environment: [:]) }
                }
                try await group.waitForAll()
            }
            _ = try await PostgresStore.open(url: server.url, environment: [:])
            let versions = try await server.runProgram(
                "psql",
                [
                    "-h", server.socketFolder, "-p", "\(server.port)", "-U", server.user, "-d", server.database,
                    "-At", "-c", "SELECT count(*), max(version) FROM ackguard_schema_migrations",
                ])
            #expect(versions.trimmingCharacters(in: .whitespacesAndNewlines) == "1|\(PostgresStore.schemaVersion)")
            // A reader checks the schema without migrating.
            _ = try await PostgresStore.open(url: server.url, environment: [:], migrate: false)
        }
    }

    @Test("a reader of a database without the schema says so")
    func readerWithoutSchema() async throws {
        _ = try await withPostgresServer { server in
            await #expect {
                _ = try await PostgresStore.open(url: server.url, environment: [:], migrate: false)
            } throws: { error in
                "\(error)".contains("holds no ackguard history yet")
            }
        }
    }

    @Test("a recorded scan reads back exactly as the SQLite history reads it")
    func roundTripEqualsSQLite() async throws {
        try await withPostgresServer { server in
            let folder = try TemporaryFolder(prefix: "ackguard-pgstore")
            defer { folder.remove() }
            let sqlite = try HistoryStore(path: folder.path("history.sqlite"))
            let postgres = try await PostgresStore.open(url: server.url, environment: [:])
            let report = StoreFixtures.richReport()
            let scope = HistoryStore.scope(of: report)
            let part = ScanPart(runId: "run-1", index: 2, count: 3)
            let liteId = try sqlite.record(report, scope: scope, part: part)
            let pgId = try await postgres.record(report, scope: scope, part: part)
            var liteScan = try sqlite.scan(id: liteId)
            var pgScan = try await postgres.scan(id: pgId)
            #expect(pgScan.part == part)
            liteScan.id = 0
            pgScan.id = 0
            #expect(pgScan == liteScan)
            let liteFindings = try sqlite.findings(scanId: liteId).map { finding in
                var copy = finding
                copy.scanId = 0
                return copy
            }
            let pgFindings = try await postgres.findings(scanId: pgId).map { finding in
                var copy = finding
                copy.scanId = 0
                return copy
            }
            #expect(pgFindings.count == report.findings.count)
            #expect(pgFindings == liteFindings)
            let listed = try await postgres.scans(limit: 5)
            #expect(listed.map(\.id) == [pgId])
            await #expect(throws: HistoryError.scanNotFound(path: postgres.location, id: pgId + 100)) {
                _ = try await postgres.scan(id: pgId + 100)
            }
        }
    }

    @Test("re-recording a shard replaces its part (no duplicates); assembly names the missing shards; diff of runs")
    func shardsAndAssembly() async throws {
        try await withPostgresServer { server in
            let store = try await PostgresStore.open(url: server.url, environment: [:])
            func report(_ cluster: String, _ status: Status) -> AuditReport {
                StoreFixtures.report([StoreFixtures.finding(cluster, status: status, reason: .pluginFlannel)])
            }
            let scope = "scope"
            _ = try await store.record(
                report("a1", .fail), scope: scope, part: ScanPart(runId: "r1", index: 1, count: 4))
            _ = try await store.record(
                report("a2", .fail), scope: scope, part: ScanPart(runId: "r1", index: 2, count: 4))
            _ = try await store.record(
                report("a4", .pass), scope: scope, part: ScanPart(runId: "r1", index: 4, count: 4))
            // Shard 2 again, twice at once: one part stays.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        _ = try await store.record(
                            report("a2", .pass), scope: scope, part: ScanPart(runId: "r1", index: 2, count: 4))
                    }
                }
                try await group.waitForAll()
            }
            let assembled = try await store.assembledScan(runId: "r1")
            #expect(assembled.parts.map(\.part?.index) == [1, 2, 4])
            #expect(assembled.missingShards == [3])
            #expect(assembled.notes == ["shard 3 of 4 missing"])
            #expect(assembled.findings.map(\.clusterId) == ["a1", "a2", "a4"])
            #expect(assembled.findings.map(\.status) == [.fail, .pass, .pass])
            #expect(assembled.summary[.fail] == 1)
            #expect(assembled.summary[.pass] == 2)
            #expect(assembled.summary.notices.contains("shard 3 of 4 missing"))
            #expect(try await store.scans(limit: nil).count == 3)

            _ = try await store.record(
                report("a3", .fail), scope: scope, part: ScanPart(runId: "r1", index: 3, count: 4))
            let complete = try await store.assembledScan(runId: "r1")
            #expect(complete.isComplete)
            #expect(complete.notes.isEmpty)

            _ = try await store.record(
                report("a1", .pass), scope: scope, part: ScanPart(runId: "r2", index: 1, count: 2))
            let (diff, notes) = try await store.diff(oldRun: "r1", newRun: "r2")
            #expect(notes == ["new run r2: shard 2 of 2 missing"])
            #expect(diff.fixed.map(\.key.cluster) == ["a1"])
            #expect(Set(diff.vanished.map(\.key.cluster)) == ["a2", "a3", "a4"])

            await #expect(throws: HistoryError.runNotFound(path: store.location, runId: "nope")) {
                _ = try await store.assembledScan(runId: "nope")
            }
            await #expect {
                _ = try await store.record(
                    report("x", .pass), scope: scope, part: ScanPart(runId: "r 1", index: 1, count: 1))
            } throws: { error in
                "\(error)".contains("the run id may hold only")
            }
        }
    }

    @Test("a wrong password is an authentication failure that never shows the password")
    func authenticationFailure() async throws {
        try await withPostgresServer { server in
            let url = server.url(password: "wrong-hunter2")
            do {
                _ = try await PostgresStore.open(url: url, environment: [:])
                Issue.record("a wrong password was accepted")
            } catch {
                #expect("\(error)".contains("authentication failed for user ackguard"), "\(error)")
                #expect(!"\(error)".contains("wrong-hunter2"))
                #expect(!"\(error)".contains(server.password))
            }
            // The password from PGPASSWORD when the URL has none.
            _ = try await PostgresStore.open(
                url: server.url(password: nil), environment: ["PGPASSWORD": server.password])
        }
    }

    @Test("sslmode=require against a server without TLS is refused; prefer and allow fall back to plain TCP")
    func sslModesAgainstPlainServer() async throws {
        try await withPostgresServer { server in
            for mode in ["prefer", "allow", "disable"] {
                _ = try await PostgresStore.open(
                    url: server.url(password: server.password, sslmode: mode), environment: [:])
            }
            do {
                _ = try await PostgresStore.open(
                    url: server.url(password: server.password, sslmode: "require"), environment: [:])
                Issue.record("sslmode=require connected without TLS")
            } catch {
                #expect("\(error)".contains("does not support TLS"), "\(error)")
                #expect(!"\(error)".contains(server.password))
            }
        }
    }

    @Test("an unreachable server is one line naming where, without the password")
    func unreachable() async throws {
        let port = try await withPostgresServer { server in server.port }
        do {
            _ = try await PostgresStore.open(
                url: "postgres://u:hunter2@127.0.0.1:\(port)/db?sslmode=disable", environment: [:])
            Issue.record("connected to a stopped server")
        } catch {
            #expect("\(error)".contains("postgres://u@127.0.0.1:\(port)/db"), "\(error)")
            #expect("\(error)".contains("cannot connect"), "\(error)")
            #expect(!"\(error)".contains("hunter2"))
            #expect(!"\(error)".contains("\n"))
        }
    }
}
