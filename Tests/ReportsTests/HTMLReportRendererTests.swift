import Audit
import Foundation
import Reports
import Testing

@Suite struct HTMLReportRendererTests {
    let html = HTMLReportRenderer().render(ReportFixtures.clusters)

    @Test("the title carries the counts")
    func title() {
        #expect(
            html.contains(
                "<title>ackguard report: 3 FAIL, 2 UNKNOWN, 1 PASS, 1 NOT_APPLICABLE, 1 suppressed</title>"))
        #expect(html.contains("<span class=\"count\" id=\"count-FAIL\">3</span>"))
        #expect(html.contains("<span class=\"count\" id=\"count-SUPPRESSED\">1</span>"))
    }

    @Test("self-contained: nothing is loaded from elsewhere")
    func selfContained() {
        for pattern in ["src=", "<link", "@import", "url(", "href=\"http", "href=\"//"] {
            #expect(!html.contains(pattern), "found \(pattern)")
        }
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
    }

    @Test("every finding is in the table and in the details without JavaScript")
    func content() {
        for (index, finding) in ReportFixtures.clusters.findings.enumerated() {
            #expect(html.contains("<details id=\"finding-\(index + 1)\""))
            #expect(html.contains("href=\"#finding-\(index + 1)\""))
            #expect(html.contains("<code>\(finding.reason.rawValue)</code>"))
        }
        #expect(html.contains("<table id=\"findings-table\">"))
        #expect(html.contains("sandbox &quot;lab&quot;, team-a (c0ffee01)"))
        #expect(html.contains("until 2099-12-31: Sandbox, isolated by VPC ACLs (ticket SEC-42)"))
        #expect(html.contains("Set disable_network_policy to &quot;false&quot; in kube-system/eni-config."))
        #expect(html.contains("&quot;disable_network_policy&quot;: &quot;true&quot;"))
        #expect(html.contains("expired on 2024-06-30"))
    }

    @Test("the chart has a bar per region with the counts")
    func chart() {
        #expect(html.contains("<h2 id=\"chart-title\">Statuses by region</h2>"))
        #expect(html.contains("<title>cn-beijing: 2 UNKNOWN</title>"))
        #expect(html.contains("<title>cn-hangzhou: 3 FAIL</title>"))
        #expect(html.contains("<title>cn-beijing: 1 SUPPRESSED</title>"))
        #expect(html.contains("cn-hangzhou: 3 FAIL, 1 PASS"))
    }

    @Test("infrastructure code is charted by file and shows file:line:column")
    func infrastructure() {
        let html = HTMLReportRenderer().render(ReportFixtures.infrastructure)
        #expect(html.contains("Statuses by file"))
        #expect(html.contains("<td class=\"nowrap\">infra/main.tf:12:1</td>"))
        #expect(html.contains("infra/ros template.yaml: 1 UNKNOWN"))
    }

    @Test("values from the cloud cannot inject markup")
    func escaping() {
        var finding = ReportFixtures.clusters.findings[0]
        finding.clusterName = "<script>alert(1)</script>"
        finding.message = "<img src=x onerror=alert(1)>"
        finding.evidence = ["plugin": ["names": ["</pre><script>x</script>"]]]
        var report = ReportFixtures.clusters
        report.findings = [finding]
        let html = HTMLReportRenderer().render(report)
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("</pre><script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.components(separatedBy: "<script>").count == 2, "only the page's own script")
    }
}
