import Audit
import Foundation
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
    }

    @Test("changes: new FAIL, fixed, new UNKNOWN; the first scan is a baseline")
    func changes() {
        #expect(StatusChange.between(nil, Self.report(.fail)).isEmpty)
        #expect(StatusChange.between(Self.report(.pass), Self.report(.fail)).map(\.kind) == [.newFail])
        #expect(StatusChange.between(Self.report(.fail), Self.report(.pass)).map(\.kind) == [.fixed])
        #expect(StatusChange.between(Self.report(.pass), Self.report(.unknown)).map(\.kind) == [.newUnknown])
        #expect(StatusChange.between(Self.report(.pass), Self.report(.pass)).isEmpty)
    }
}
