import Audit
import Testing

@testable import History

@Suite struct HistoryShardTests {
    @Test("SQLite: re-recording a shard replaces its part; the assembled run names the missing shard")
    func shardReplaceAndAssembly() async throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        func report(_ cluster: String, _ status: Status) -> AuditReport {
            HistoryFixtures.report([HistoryFixtures.finding(cluster, status: status, reason: .pluginFlannel)])
        }
        try store.record(report("a1", .fail), scope: "s", part: ScanPart(runId: "r1", index: 1, count: 3))
        try store.record(report("a3", .fail), scope: "s", part: ScanPart(runId: "r1", index: 3, count: 3))
        try store.record(report("a3", .pass), scope: "s", part: ScanPart(runId: "r1", index: 3, count: 3))
        #expect(try store.scans().count == 2)
        let assembled = try await store.assembledScan(runId: "r1")
        #expect(assembled.missingShards == [2])
        #expect(assembled.notes == ["shard 2 of 3 missing"])
        #expect(assembled.findings.map(\.clusterId) == ["a1", "a3"])
        #expect(assembled.findings.map(\.status) == [.fail, .pass])
        let table = HistoryListRenderer(format: .table).render(assembled)
        #expect(table.contains("note: shard 2 of 3 missing"))
        #expect(table.contains("r1 (3/3)"))
        #expect(throws: HistoryError.self) {
            try store.record(report("x", .pass), scope: "s", part: ScanPart(runId: "r1", index: 4, count: 3))
        }
    }
}
