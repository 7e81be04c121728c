import Audit
import Foundation
import Reports
import Service
import Testing

@Suite("serve: the dashboard")
struct DashboardTests {
    static let hostile = "<script>alert(\"x\")</script>'&\u{202E}evil\u{1b}[2J"

    static func report(_ status: Status, name: String = hostile) -> AuditReport {
        AuditReport(
            toolVersion: "test", startedAt: "2026-12-02T10:00:00Z", finishedAt: "2026-12-02T10:00:01Z",
            source: .init(kind: .emulator, regions: ["cn-hangzhou"]), rules: [.networkPolicySupport],
            findings: [
                Finding(
                    rule: .networkPolicySupport, clusterId: "c1<b>", clusterName: name, regionId: "cn-hangzhou",
                    status: status, reason: status == .fail ? .configMapPolicyDisabled : .configMapPolicyEnabled,
                    message: "message <i>\(name)</i>")
            ])
    }

    @Test("every value is escaped: a hostile cluster name adds no markup and reorders nothing")
    func escaping() async throws {
        let history = ScanHistory()
        let start = Date(timeIntervalSince1970: 1_796_206_050)
        await history.add(ScanRecord(id: 1, startedAt: start, finishedAt: start, report: Self.report(.pass)))
        await history.add(
            ScanRecord(id: 2, startedAt: start, finishedAt: start.addingTimeInterval(60), report: Self.report(.fail)))
        let page = Dashboard.render(await history.snapshot, schedule: .every(seconds: 60))
        #expect(!page.contains("<script"))
        #expect(!page.contains("<b>"))
        #expect(!page.contains("<i>"))
        #expect(!page.contains("\u{202E}"))
        #expect(!page.contains("\u{1b}"))
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;\\u{202e}evil\\u{1b}[2J"))
        // The change is listed, and the trend has both scans.
        #expect(page.contains("<tr class=\"new-fail\">"))
        #expect(page.contains("id=\"trend-FAIL\""))
        #expect(page.contains("id=\"trend-from\">scan 1, 2026-12-02T10:07:30Z</text>"))
        #expect(page.contains("id=\"trend-to\">scan 2, 2026-12-02T10:08:30Z</text>"))
    }

    @Test("changes: new FAIL, fixed, new UNKNOWN; the first scan is a baseline")
    func changes() {
        #expect(StatusChange.between(nil, Self.report(.fail)).isEmpty)
        #expect(StatusChange.between(Self.report(.pass), Self.report(.fail)).map(\.kind) == [.newFail])
        #expect(StatusChange.between(Self.report(.fail), Self.report(.pass)).map(\.kind) == [.fixed])
        #expect(StatusChange.between(Self.report(.pass), Self.report(.unknown)).map(\.kind) == [.newUnknown])
        #expect(StatusChange.between(Self.report(.pass), Self.report(.pass)).isEmpty)
    }

    @Test("the page is the HTML report's content with the trend and the changes: one head, one stylesheet, no script")
    func embedsTheReport() async throws {
        let history = ScanHistory()
        let start = Date(timeIntervalSince1970: 1_796_206_050)
        let report = Self.report(.fail, name: "prod-eu")
        await history.add(ScanRecord(id: 1, startedAt: start, finishedAt: start, report: Self.report(.pass)))
        await history.add(
            ScanRecord(id: 2, startedAt: start, finishedAt: start.addingTimeInterval(60), report: report))
        let page = Dashboard.render(await history.snapshot, schedule: .every(seconds: 60))
        let sections = HTMLReportRenderer().sections(
            report, headingOffset: 1, title: "Report of scan 2", sortable: false)
        for section in [sections.header, sections.summary, sections.chart, sections.findings, sections.details] {
            #expect(!section.isEmpty)
            #expect(page.contains(section))
        }
        #expect(sections.header.contains("<h2>Report of scan 2</h2>"))
        #expect(sections.summary.contains("<h3 id=\"summary-title\">Summary</h3>"))
        #expect(!sections.findings.contains("Click a column header"))
        for once in ["<head>", "<style>", "<body>", "<h1>", "Content-Security-Policy"] {
            #expect(page.components(separatedBy: once).count == 2, "\(once)")
        }
        #expect(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""))
        #expect(!page.contains("<script") && !page.contains("script-src"))
        #expect(page.contains(HTMLReportRenderer.stylesheet))
        // In order: the latest scan, the trend, the changes, then the report.
        let order = [
            "id=\"latest\"", "id=\"trend\"", "id=\"changes\"", "id=\"report\"", "id=\"summary\"",
            "id=\"findings-table\"", "id=\"details\"",
        ]
        let positions = order.compactMap { page.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count)
        #expect(positions == positions.sorted())
        // The report itself is unchanged by the refactoring: one page, its script, its own policy.
        let alone = HTMLReportRenderer().render(report)
        #expect(alone.contains(HTMLReportRenderer().sections(report).all))
        #expect(alone.contains("<script>") && alone.contains("Click a column header"))
    }

    @Test("a latest scan without a report: its failure on top, the last report below it, named as such")
    func latestWithoutReport() async throws {
        let history = ScanHistory()
        let start = Date(timeIntervalSince1970: 1_796_206_050)
        await history.add(ScanRecord(id: 1, startedAt: start, finishedAt: start, report: Self.report(.fail)))
        await history.add(
            ScanRecord(id: 2, startedAt: start, finishedAt: start, report: nil, failure: "cannot list <regions>"))
        let page = Dashboard.render(await history.snapshot, schedule: .every(seconds: 60))
        #expect(page.contains("This scan failed: cannot list &lt;regions&gt;"))
        #expect(page.contains("<h2>Report of scan 1 (scan 2 has no report)</h2>"))
        let empty = Dashboard.render(await ScanHistory().snapshot, schedule: .every(seconds: 60))
        #expect(empty.contains("The first scan is in progress."))
        #expect(empty.contains("No report yet"))
    }
}
