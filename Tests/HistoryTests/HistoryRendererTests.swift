import Audit
import Foundation
import Testing

@testable import History

@Suite struct HistoryRendererTests {
    @Test("the diff as text lists each section with its transitions")
    func diffTable() throws {
        let (store, old, new, cleanup) = try HistoryDiffTests.store()
        defer { cleanup() }
        let text = HistoryDiffRenderer(format: .table).render(try store.diff(old: old, new: new))
        #expect(text.hasPrefix("Scan 1 (2025-05-01T08:00:42Z) -> scan 2 (2025-05-02T08:00:00Z)\n"))
        #expect(text.contains("\nNew failures (2)\n"))
        #expect(
            text.contains(
                "  ack-network-policy-support  cn-hangzhou/c1 (name-c1)  "
                    + "PASS configmap-policy-enabled -> FAIL configmap-policy-disabled"))
        #expect(text.contains("(absent) -> FAIL plugin-flannel"))
        #expect(text.contains("\nFixed (1)\n"))
        #expect(text.contains("FAIL configmap-policy-disabled -> FAIL configmap-policy-disabled (suppressed)"))
        #expect(text.contains("\nVanished (1)\n"))
        #expect(text.contains("FAIL plugin-flannel -> (absent)"))
        #expect(text.hasSuffix("\nUnchanged: 2\n"))
        #expect(!text.contains("different scopes"))
    }

    @Test("the diff as JSON has every section and both scans")
    func diffJSON() throws {
        let (store, old, new, cleanup) = try HistoryDiffTests.store()
        defer { cleanup() }
        let document = try JSONValue.parse(
            HistoryDiffRenderer(format: .json).render(try store.diff(old: old, new: new)))
        #expect(document["old"]?["id"] == 1)
        #expect(document["new"]?["id"] == 2)
        #expect(document["sameScope"] == true)
        #expect(document["newFailures"]?.arrayValue?.map { $0["cluster"]?.stringValue } == ["c1", "c7"])
        #expect(document["newFailures"]?[1]?["old"] == .null)
        #expect(document["newFailures"]?[1]?["new"]?["status"] == "FAIL")
        #expect(document["fixed"]?[0]?["new"]?["suppressed"] == true)
        #expect(document["changed"]?.arrayValue?.count == 2)
        #expect(document["appeared"]?.arrayValue?.count == 2)
        #expect(document["vanished"]?[0]?["new"] == .null)
        #expect(document["unchanged"] == 2)
        #expect(document["new"]?["summary"]?["FAIL"] == 4)
    }

    @Test("the scan list as a table and as JSON")
    func list() throws {
        let (store, _, _, cleanup) = try HistoryDiffTests.store()
        defer { cleanup() }
        let scans = try store.scans()
        let table = HistoryListRenderer(format: .table).render(scans)
        let lines = table.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "ID  FINISHED              SOURCE  ACCOUNT  REGIONS      FAIL  UNKNOWN  PASS  N/A  SUPPR.")
        #expect(lines[1] == "2   2025-05-02T08:00:00Z  live    1001     cn-hangzhou  4     0        3     0    1")
        #expect(lines[2] == "1   2025-05-01T08:00:42Z  live    1001     cn-hangzhou  4     1        2     0    0")
        let json = try JSONValue.parse(HistoryListRenderer(format: .json).render(scans))
        #expect(json["scans"]?.arrayValue?.count == 2)
        #expect(json["scans"]?[0]?["source"]?["regions"] == ["cn-hangzhou"])
        #expect(json["scans"]?[0]?["tool"]?["version"] == "0.9.0")
        #expect(HistoryListRenderer(format: .table).render([]) == "No scans recorded.\n")
        #expect(HistoryListRenderer(format: .json).render([]) == "{\n  \"scans\": []\n}\n")
    }
}

@Suite struct HistoryInertTextTests {
    @Test("history tables make names from outside inert: one cell, no control character reaches the terminal")
    func cellsAreInert() {
        let text = TextTable.render(
            header: ["RULE", "CLUSTER", "CHANGE"],
            rows: [["ack-network-policy-support", "cn-hangzhou/c1 (prod\nFAKE ROW PASS\u{1B}[2J)", "\u{202E}x"]])
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2, "header and one row: \(text)")
        #expect(text.contains(#"prod\nFAKE ROW PASS\u{1b}[2J"#))
        #expect(text.contains(#"\u{202e}x"#))
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
    }
}
