import Audit
import GRDB
import Testing

@testable import History

@Suite struct FindingDocumentTests {
    /// A finding row as ackguard wrote it before the history had its own document: the JSON report's encoding of
    /// `HistoryFixtures.finding("c1", status: .fail, reason: .pluginFlannel)`, with no `schema` field. Literal, so
    /// that a later change of the report's encoding cannot change what this test stores.
    static let reportEncodedRow = """
        {"accountId":"1001","clusterId":"c1","clusterName":"name-c1","compliance":[],\
        "evidence":{"plugin":{"names":["terway-eniip"]}},"message":"c1 is FAIL because plugin-flannel",\
        "reason":"plugin-flannel","regionId":"cn-hangzhou",\
        "remediation":{"kind":"edit-configmap","steps":["Set it.","Restart it."]},"rule":"ack-network-policy-support",\
        "status":"FAIL","warnings":[{"code":"configmap-not-verified","details":{"n":1},"message":"not read"}]}
        """

    /// Records an empty scan and adds one finding row whose document is `json`; returns the scan's id.
    static func scan(with json: String, in store: HistoryStore) throws -> Int64 {
        let scanId = try store.record(HistoryFixtures.report([]), scope: "s")
        try store.writer.write { db in try HistoryFixtures.insertFindingRow(db, scanId: scanId, json: json) }
        return scanId
    }

    @Test("a finding is stored as schema 1 with what the history shows, not the report's evidence or steps")
    func schemaOne() {
        var finding = HistoryFixtures.finding("c1", status: .fail, reason: .pluginFlannel)
        finding.suppression = Suppression(reason: "accepted", expires: "2030-01-01")
        finding.location = Audit.SourceLocation(file: "main.tf", line: 4, column: 3)
        let document = FindingDocument.encode(finding)
        #expect(document["schema"] == 1)
        #expect(
            Set(document.objectValue?.keys.map { $0 } ?? []) == [
                "schema", "rule", "accountId", "regionId", "clusterId", "clusterName", "status", "reason", "message",
                "file", "line", "column", "suppressed",
            ])
        #expect(document["message"]?.stringValue == finding.message)
        #expect(document["suppressed"]?["expires"] == "2030-01-01")
        #expect(
            FindingDocument.decode(document.serialized())
                == .success(.init(document: document, schema: 1, message: finding.message)))
    }

    @Test("a row written in the report's encoding, without a schema, still reads and diffs")
    func reportEncodedRowReads() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        let old = try Self.scan(with: Self.reportEncodedRow, in: store)
        let stored = try store.findings(scanId: old)
        #expect(stored.count == 1)
        #expect(stored[0].message == "c1 is FAIL because plugin-flannel")
        #expect(stored[0].json == (try JSONValue.parse(Self.reportEncodedRow)))
        #expect((try? FindingDocument.decode(Self.reportEncodedRow).get())?.schema == 0)

        let finding = HistoryFixtures.finding("c1", status: .fail, reason: .pluginFlannel)
        let new = try store.record(HistoryFixtures.report([finding]), scope: "s")
        let diff = try store.diff(old: old, new: new)
        #expect(diff.unchanged == 1)
        #expect(diff.isEmpty)
        let rendered = HistoryDiffRenderer.document(diff)
        #expect(rendered["unchanged"] == 1)
    }

    @Test("a row of a newer schema, or one that is not JSON, is refused with why")
    func refused() throws {
        let (path, cleanup) = try HistoryFixtures.databasePath()
        defer { cleanup() }
        let store = try HistoryStore(path: path)
        let newer = try Self.scan(with: #"{"schema":2,"message":"from the future"}"#, in: store)
        #expect(throws: HistoryError.self) { try store.findings(scanId: newer) }
        do {
            _ = try store.findings(scanId: newer)
        } catch {
            #expect("\(error)".contains("newer ackguard (finding schema 2"))
        }
        let garbled = try Self.scan(with: "{not json", in: store)
        #expect(throws: HistoryError.self) { try store.findings(scanId: garbled) }
        #expect(
            FindingDocument.decode(#"{"schema":"one"}"#)
                == .failure(.unreadable(#"schema is "one", not a version number"#)))
    }
}
