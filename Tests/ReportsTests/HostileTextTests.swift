import Audit
import Foundation
import Testing

@testable import Reports

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Text from outside is inert (issue 14, item 5): a cluster whose name forges a table row, clears the screen,
/// returns the cursor or reverses the text cannot do so in any format, and the machine formats keep the exact value.
@Suite("hostile text in every report format")
struct HostileTextTests {
    static let name = "prod\nFAKE ROW PASS\u{1b}[2J\rowned\u{202e}txt.exe\u{9b}31m"
    static let message = "eni-config says \"true\"\n\u{1b}]0;title\u{7}\tdone\u{2066}"

    static let report: AuditReport = {
        let hostile = Finding(
            rule: .networkPolicySupport, clusterId: "c1", clusterName: name, regionId: "cn-hangzhou",
            status: .fail, reason: .configMapPolicyDisabled, message: message,
            warnings: [FindingWarning(code: .exclusiveENINodes, message: "node\nFAKE ROW PASS")],
            evidence: ["configMap": ["disable_network_policy": .string("true\u{1b}[31m\n"), "source": "x\u{202e}"]],
            remediation: Remediation(kind: .editConfigMap, steps: ["kubectl -n 'a\nb' get cm"]))
        let formula = Finding(
            rule: .networkPolicySupport, clusterId: "c2", clusterName: "=HYPERLINK(\"http://x\",\"y\")",
            regionId: "cn-hangzhou", status: .pass, reason: .configMapPolicyEnabled, message: "+1 -1 @SUM(A1)")
        return AuditReport(
            toolVersion: "0.9.0", startedAt: "2025-05-01T08:00:00Z", finishedAt: "2025-05-01T08:00:01Z",
            source: .init(kind: .saved, regions: ["cn-hangzhou"]), rules: [.networkPolicySupport],
            findings: [hostile, formula], notices: ["note with\nFAKE ROW PASS\u{1b}[2J"])
    }()

    /// Whether any character a terminal could act on is in `text`, but those `allowed`.
    func hasActiveCharacter(_ text: String, allowing allowed: Set<Unicode.Scalar> = ["\n"]) -> Bool {
        text.unicodeScalars.contains { InertText.isActive($0) && !allowed.contains($0) }
    }

    @Test(
        "table: one cluster is one row with colour on and off, verbose too; nothing reaches the terminal raw",
        arguments: [false, true])
    func table(color: Bool) {
        for verbose in [false, true] {
            let text = TableReportRenderer(color: color, verbose: verbose, width: 400).render(Self.report)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            // Only the renderer's own colour sequences may carry ESC: strip them, then nothing active is left.
            let uncoloured = text.replacing(/\u{1B}\[[0-9;]*m/, with: "")
            #expect(!hasActiveCharacter(uncoloured), "color \(color) verbose \(verbose)")
            let rows = lines.filter { $0.hasPrefix("prod") || $0.hasPrefix("=HYPERLINK") }
            #expect(rows.count == 2)
            #expect(!lines.contains { $0.hasPrefix("FAKE ROW PASS") })
            #expect(
                lines.contains { $0.hasPrefix(#"prod\nFAKE ROW PASS\u{1b}[2J\rowned\u{202e}txt.exe\u{9b}31m (c1)"#) })
            #expect(text.contains(#"eni-config says "true"\n\u{1b}]0;title\u{7}\tdone\u{2066}"#))
            #expect(text.contains(#"note: note with\nFAKE ROW PASS\u{1b}[2J"#))
            if verbose {
                #expect(text.contains(#"warning exclusive-eni-nodes: node\nFAKE ROW PASS"#))
                #expect(text.contains(#"1. kubectl -n 'a\nb' get cm"#))
            }
        }
    }

    @Test("HTML: markup escaped, controls and bidi overrides shown as escapes, attributes quoted")
    func html() {
        var report = Self.report
        report.findings[1].clusterName = "<img src=x onerror=alert(1)>\"'"
        let page = HTMLReportRenderer().render(report)
        // Newline and tab are white space in HTML: they stay; nothing else active does.
        #expect(!hasActiveCharacter(page, allowing: ["\n", "\t"]))
        #expect(page.contains(#"title\u{7}"#))
        #expect(page.contains(#"FAKE ROW PASS\u{1b}[2J\rowned\u{202e}txt.exe"#))
        #expect(!page.contains("<img"))
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;"))
    }

    @Test("CSV: one record per finding, quoted per RFC 4180, formula-leading cells neutralised")
    func csv() throws {
        let text = CSVReportRenderer().render(Self.report)
        let records = try Self.parseCSV(text)
        #expect(records.count == 3)
        let header = records[0]
        let column = { (name: String) in header.firstIndex(of: name)! }
        #expect(records[1][column("clusterName")] == Self.name)
        #expect(records[1][column("message")] == Self.message)
        #expect(records[2][column("clusterName")] == "'=HYPERLINK(\"http://x\",\"y\")")
        #expect(records[2][column("message")] == "'+1 -1 @SUM(A1)")
        for value in ["-1", "@x", "\tx", "\rx"] {
            #expect(try Self.parseCSV(CSVReportRenderer.field(value) + "\r\n")[0][0] == "'" + value)
        }
    }

    @Test("JUnit: well-formed XML that keeps newlines and CRs; characters XML forbids are replaced, never raw")
    func junit() throws {
        let xml = JUnitReportRenderer().render(Self.report)
        // XML 1.0 allows tab and newline as they are; CR is written &#13; (a raw one would be read back as LF).
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        let document = try XMLDocument(xmlString: xml, options: [])
        let testcase = try #require(try document.nodes(forXPath: "//testcase").first as? XMLElement)
        let name = try #require(testcase.attribute(forName: "name")?.stringValue)
        #expect(name.hasPrefix("prod\nFAKE ROW PASS\u{FFFD}[2J\rowned\u{202e}txt.exe"))
        let failure = try #require(try document.nodes(forXPath: "//testcase/failure").first as? XMLElement)
        #expect(failure.stringValue?.contains("\"true\"\n\u{FFFD}]0;title\u{FFFD}\tdone") == true)
    }

    @Test("JSON, SARIF and OCSF keep the exact values, correctly encoded")
    func jsonFormats() throws {
        for (format, text) in [
            ("json", JSONReportRenderer().render(Self.report)), ("sarif", SARIFReportRenderer().render(Self.report)),
            ("ocsf", OCSFReportRenderer().render(Self.report)),
        ] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(format)")
            let data = Data(text.utf8)
            let parsed = try JSONSerialization.jsonObject(with: data)
            var strings: [String] = []
            Self.collectStrings(parsed, into: &strings)
            #expect(strings.contains { $0.contains(Self.name) }, "\(format)")
            #expect(strings.contains { $0.contains(Self.message) }, "\(format)")
        }
    }

    // MARK: - Helpers

    static func collectStrings(_ value: Any, into strings: inout [String]) {
        if let text = value as? String {
            strings.append(text)
        } else if let array = value as? [Any] {
            for item in array { collectStrings(item, into: &strings) }
        } else if let object = value as? [String: Any] {
            for (key, item) in object {
                strings.append(key)
                collectStrings(item, into: &strings)
            }
        }
    }

    /// A strict RFC 4180 reader: CRLF record ends, quoted fields with doubled quotes.
    static func parseCSV(_ text: String) throws -> [[String]] {
        struct Malformed: Error {}
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                record.append(field)
                field = ""
            case "\r":
                guard scalars.popFirst() == "\n" else { throw Malformed() }
                record.append(field)
                records.append(record)
                record = []
                field = ""
            case "\n", "\"": throw Malformed()
            default: field.unicodeScalars.append(scalar)
            }
        }
        guard !quoted, field.isEmpty, record.isEmpty else { throw Malformed() }
        return records
    }
}
