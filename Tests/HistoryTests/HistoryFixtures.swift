import Audit
import GRDB
import TestSupport

@testable import History

/// Temporary databases and small reports for the history tests.
enum HistoryFixtures {
    /// A fresh folder per test (TestSupport's); the database lives in a subdirectory that the store must create.
    static func databasePath() throws -> (path: String, cleanup: @Sendable () -> Void) {
        let folder = try TemporaryFolder(prefix: "ackguard-history")
        return (folder.path("data/history.sqlite"), { folder.remove() })
    }

    /// Adds a finding row of `ack-network-policy-support` on cluster c1 (FAIL, plugin-flannel) to scan `scanId`, with
    /// `json` as its document: rows as an older ackguard, or another schema, wrote them.
    static func insertFindingRow(_ db: Database, scanId: Int64, json: String) throws {
        try db.execute(
            sql: """
                INSERT INTO finding (scanId, rule, accountId, regionId, clusterId, clusterName, status, reason, json)
                VALUES (?, 'ack-network-policy-support', '1001', 'cn-hangzhou', 'c1', 'name-c1', 'FAIL',
                    'plugin-flannel', ?)
                """,
            arguments: [scanId, json])
    }

    static func finding(
        _ clusterId: String, status: Status, reason: ReasonCode, region: String = "cn-hangzhou",
        account: String? = "1001", rule: RuleID = .networkPolicySupport
    ) -> Finding {
        Finding(
            rule: rule, clusterId: clusterId, clusterName: "name-\(clusterId)", regionId: region, status: status,
            reason: reason, message: "\(clusterId) is \(status.rawValue) because \(reason.rawValue)",
            warnings: [FindingWarning(code: .configMapNotVerified, message: "not read", details: ["n": 1])],
            evidence: ["plugin": ["names": ["terway-eniip"]]],
            remediation: Remediation(kind: .editConfigMap, steps: ["Set it.", "Restart it."]),
            accountId: account)
    }

    static func report(
        _ findings: [Finding], finishedAt: String = "2025-05-01T08:00:42Z", regions: [String] = ["cn-hangzhou"],
        kind: AuditReport.SourceKind = .live, notices: [String] = []
    ) -> AuditReport {
        AuditReport(
            toolVersion: "0.9.0", startedAt: "2025-05-01T08:00:00Z", finishedAt: finishedAt,
            source: .init(kind: kind, regions: regions, account: "1001", location: kind == .iac ? "infra" : nil),
            rules: [.networkPolicySupport], findings: AuditEngine.sorted(findings), notices: notices)
    }
}
