import Audit
import Foundation
import Testing

@testable import History

@Suite struct HistoryDiffTests {
    typealias F = HistoryFixtures

    /// Old: c1 PASS, c2 FAIL flannel, c3 UNKNOWN, c4 FAIL (suppressed later), c5 PASS, c6 FAIL, gone FAIL.
    /// New: c1 FAIL configmap, c2 FAIL flannel, c3 PASS, c4 FAIL suppressed, c5 PASS, c6 FAIL other reason,
    /// c7 FAIL (appeared), c8 PASS (appeared).
    static func reports() -> (old: AuditReport, new: AuditReport) {
        let old = F.report([
            F.finding("c1", status: .pass, reason: .configMapPolicyEnabled),
            F.finding("c2", status: .fail, reason: .pluginFlannel),
            F.finding("c3", status: .unknown, reason: .configMapMissing),
            F.finding("c4", status: .fail, reason: .configMapPolicyDisabled),
            F.finding("c5", status: .pass, reason: .configMapPolicyEnabled),
            F.finding("c6", status: .fail, reason: .addonPolicyDisabled),
            F.finding("gone", status: .fail, reason: .pluginFlannel),
        ])
        var suppressed = F.finding("c4", status: .fail, reason: .configMapPolicyDisabled)
        suppressed.suppression = Suppression(reason: "accepted", expires: "2030-01-01")
        let new = F.report(
            [
                F.finding("c1", status: .fail, reason: .configMapPolicyDisabled),
                F.finding("c2", status: .fail, reason: .pluginFlannel),
                F.finding("c3", status: .pass, reason: .configMapPolicyEnabled),
                suppressed,
                F.finding("c5", status: .pass, reason: .configMapPolicyEnabled),
                F.finding("c6", status: .fail, reason: .configMapPolicyDisabled),
                F.finding("c7", status: .fail, reason: .pluginFlannel, region: "cn-beijing"),
                F.finding("c8", status: .pass, reason: .addonPolicyEnabled),
            ], finishedAt: "2025-05-02T08:00:00Z")
        return (old, new)
    }

    static func store() throws -> (store: HistoryStore, old: Int64, new: Int64, cleanup: @Sendable () -> Void) {
        let (path, cleanup) = try F.databasePath()
        let store = try HistoryStore(path: path)
        let (old, new) = reports()
        let oldId = try store.record(old, scope: HistoryStore.scope(of: old))
        let newId = try store.record(new, scope: HistoryStore.scope(of: new))
        return (store, oldId, newId, cleanup)
    }

    @Test("sorts every finding into new failures, fixed, changed, appeared, vanished or unchanged")
    func categories() throws {
        let (store, old, new, cleanup) = try Self.store()
        defer { cleanup() }
        let diff = try store.diff(old: old, new: new)
        let clusters = { (changes: [HistoryDiff.Change]) in changes.map(\.key.cluster) }
        #expect(clusters(diff.newFailures) == ["c1", "c7"])
        #expect(clusters(diff.fixed) == ["c4"], "a suppressed failure no longer counts")
        #expect(clusters(diff.changed) == ["c3", "c6"])
        #expect(clusters(diff.appeared) == ["c7", "c8"])
        #expect(clusters(diff.vanished) == ["gone"])
        #expect(diff.unchanged == 2)
        #expect(diff.sameScope)
        #expect(!diff.isEmpty)
        let c6 = try #require(diff.changed.last)
        #expect(c6.old?.reason == "addon-policy-disabled")
        #expect(c6.new?.reason == "configmap-policy-disabled")
        #expect(
            diff.newFailures[0].key == FindingKey(rule: "ack-network-policy-support", account: "1001", cluster: "c1"))
    }

    @Test("a scan compared with itself has no changes")
    func identity() throws {
        let (store, _, new, cleanup) = try Self.store()
        defer { cleanup() }
        let diff = try store.diff(old: new, new: new)
        #expect(diff.isEmpty)
        #expect(diff.unchanged == 8)
    }

    @Test("the same cluster id in another account is another finding")
    func accounts() throws {
        let (path, cleanup) = try F.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        let old = try store.record(
            F.report([F.finding("c1", status: .fail, reason: .pluginFlannel, account: "A")]), scope: "s")
        let new = try store.record(
            F.report([F.finding("c1", status: .fail, reason: .pluginFlannel, account: "B")]), scope: "s")
        let diff = try store.diff(old: old, new: new)
        #expect(diff.appeared.map(\.key.account) == ["B"])
        #expect(diff.vanished.map(\.key.account) == ["A"])
        #expect(diff.newFailures.count == 1)
    }

    @Test("infrastructure code is keyed by file and resource, so moved lines are the same finding")
    func iacKeys() throws {
        let (path, cleanup) = try F.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        func report(line: Int, status: Status) -> AuditReport {
            var finding = F.finding(
                "", status: status, reason: status == .fail ? .pluginFlannel : .addonPolicyEnabled,
                region: "", account: nil)
            finding.clusterName = "alicloud_cs_managed_kubernetes.k"
            finding.location = Audit.SourceLocation(file: "main.tf", line: line, column: 1)
            return F.report([finding], regions: [], kind: .iac)
        }
        let old = try store.record(report(line: 3, status: .fail), scope: "iac")
        let new = try store.record(report(line: 30, status: .pass), scope: "iac")
        let diff = try store.diff(old: old, new: new)
        #expect(diff.fixed.map(\.key.cluster) == ["main.tf#alicloud_cs_managed_kubernetes.k"])
        #expect(diff.appeared.isEmpty && diff.vanished.isEmpty)
    }

    @Test("without ids the diff takes the last two scans of the latest scan's scope")
    func defaultPair() throws {
        let (path, cleanup) = try F.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        #expect(throws: HistoryError.notEnoughScans(path: path, scope: nil, found: 0)) { try store.diffPair() }
        let a1 = try store.record(F.report([]), scope: "A")
        #expect(throws: HistoryError.notEnoughScans(path: path, scope: "A", found: 1)) { try store.diffPair() }
        let b1 = try store.record(F.report([]), scope: "B")
        let a2 = try store.record(F.report([]), scope: "A")
        let b2 = try store.record(F.report([]), scope: "B")
        let a3 = try store.record(F.report([]), scope: "A")
        #expect(try store.diffPair() == (a2, a3))
        #expect(try store.diffPair(old: a1) == (a1, a3))
        #expect(try store.diffPair(old: b1) == (b1, b2))
        #expect(try store.diffPair(new: b2) == (b1, b2))
        #expect(try store.diffPair(old: b2, new: a1) == (b2, a1))
        #expect(throws: HistoryError.notEnoughScans(path: path, scope: "A", found: 1)) { try store.diffPair(old: a3) }
        #expect(throws: HistoryError.notEnoughScans(path: path, scope: "B", found: 1)) { try store.diffPair(new: b1) }
        #expect(throws: HistoryError.scanNotFound(path: path, id: 42)) { try store.diffPair(old: 42, new: a1) }
    }
}
