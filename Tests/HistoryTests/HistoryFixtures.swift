import Audit
import Foundation

@testable import History

/// Temporary databases and small reports for the history tests.
enum HistoryFixtures {
    /// A fresh directory per test; the database lives in a subdirectory that the store must create.
    static func databasePath() -> (path: String, cleanup: @Sendable () -> Void) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ackguard-history-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("data/history.sqlite").path
        return (path, { try? FileManager.default.removeItem(at: directory) })
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
